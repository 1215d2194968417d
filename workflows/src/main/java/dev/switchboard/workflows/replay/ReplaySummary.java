package dev.switchboard.workflows.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code replay.json}: what a replay found, for scripts; its field names are a contract. The
 * agreement is null when no event was replayed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReplaySummary(String variant, String live, String topic, String range, int events, Double agreement, int same, int changed,
                            int dropped, @JsonProperty("new") int added, int noTask, int liveTasks, int variantTasks, int variantDeadLetters,
                            int variantReviews, Map<String, Attribute> attributes, CallStats liveCalls, CallStats variantCalls, double seconds) {

    static ReplaySummary of(ReplayReport report) {
        Agreement agreement = report.agreement();
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        agreement.attributes().forEach((name, changes) -> attributes.put(name, Attribute.of(changes)));
        return new ReplaySummary(report.variant(), report.live(), report.topic(), report.range(), agreement.events(),
                Double.isNaN(agreement.agreement()) ? null : agreement.agreement(), agreement.same(), agreement.changed(),
                agreement.dropped(), agreement.added(), agreement.noTask(), report.liveTasks(), report.variantTasks(), report.deadLetters(),
                report.reviews(), attributes, report.liveCalls(), report.variantCalls(), report.seconds());
    }

    /** How one attribute of the tasks changed: transitions for text, deltas for numbers. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attribute(int changes, Map<String, Integer> transitions, Double meanDelta, Double meanAbsDelta, Double maxAbsDelta) {

        static Attribute of(Agreement.AttributeChanges changes) {
            return Double.isNaN(changes.meanDelta())
                    ? new Attribute(changes.changes(), changes.transitions(), null, null, null)
                    : new Attribute(changes.changes(), null, changes.meanDelta(), changes.meanAbsDelta(), changes.maxAbsDelta());
        }
    }
}
