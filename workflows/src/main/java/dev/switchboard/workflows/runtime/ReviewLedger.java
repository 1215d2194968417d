package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What a decision is checked against: the latest record of each review in the review topic, as a
 * workflow held it ({@code status: pending}, with the event and the earlier steps' outputs) or as a
 * workflow marked it decided.
 */
public interface ReviewLedger {

    /** The review's latest record, or empty when no workflow ever held it. */
    Optional<JsonNode> latest(String reviewId);
}
