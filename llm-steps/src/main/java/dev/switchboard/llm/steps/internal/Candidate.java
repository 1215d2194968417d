package dev.switchboard.llm.steps.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One model's turn in a {@link ModelStep}'s chain: accepted with its output, or why the next model is asked. */
record Candidate(boolean accepted, String outcome, String reason, boolean retriable, Map<String, Object> output) {

    static Candidate accepted(Map<String, Object> output) {
        return new Candidate(true, "ok", null, false, output);
    }

    static Candidate failed(String outcome, String reason, boolean retriable, Map<String, Object> output) {
        return new Candidate(false, outcome, reason, retriable, output);
    }

    /** The turn as a review shows it. */
    Map<String, Object> describe(String model) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("model", model);
        map.put("outcome", outcome);
        map.put("reason", reason);
        if (output != null) {
            map.put("output", output);
        }
        return Collections.unmodifiableMap(map);
    }

    /** The described turns in one line: {@code model: outcome; ...}. */
    static String summary(List<Map<String, Object>> candidates) {
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> candidate : candidates) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(candidate.get("model")).append(": ").append(candidate.get("outcome"));
        }
        return text.toString();
    }
}
