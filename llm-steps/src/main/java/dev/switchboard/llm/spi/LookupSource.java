package dev.switchboard.llm.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Looks up a record by kind and key for the {@code enrich} step: a company by domain, a contact by
 * email. The static file lookup ships now; the CRM tables built by Kafka Streams implement the same
 * interface, offered by the engine as a step-environment service.
 */
public interface LookupSource {

    /** The record of that kind with that key, or empty; never throws for a key that is not there. */
    Optional<Map<String, Object>> lookup(String kind, String key);
}
