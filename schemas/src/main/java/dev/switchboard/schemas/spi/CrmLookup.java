package dev.switchboard.schemas.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Reads the CRM tables the engine builds from the CRM's change stream: a contact, company, deal or
 * owner by id, or through a secondary index (contacts and owners by email, companies by domain).
 * Offered to steps as a {@link StepEnvironment#service(Class) service} when the engine runs them;
 * the record may live on another instance of the engine, which is asked for it.
 */
public interface CrmLookup {

    /** Entities with tables. */
    java.util.List<String> ENTITIES = java.util.List.of("contact", "company", "deal", "owner");

    /**
     * The record, or empty when the tables hold none for that key.
     *
     * @param entity {@code contact}, {@code company}, {@code deal} or {@code owner}
     * @param by     {@code id}, {@code email} (contacts, owners) or {@code domain} (companies)
     * @throws UnavailableException when the tables cannot answer now (restoring, rebalancing, the instance
     *                              holding the key unreachable): a retriable failure
     */
    Optional<Map<String, Object>> find(String entity, String by, String key);

    /** The tables cannot answer now; try again later. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message);
        }

        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
