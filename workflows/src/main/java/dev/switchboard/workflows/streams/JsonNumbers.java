package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/** Numbers in events, which vendors and templates write either as JSON numbers or as text (a task's minutes saved, an amount). */
final class JsonNumbers {

    private JsonNumbers() {
    }

    /** The node's number, or the number its text holds; null when the node is absent or null, or holds no number. */
    static <N> N number(JsonNode node, Function<JsonNode, N> fromNumber, Function<String, N> fromText) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return fromNumber.apply(node);
        }
        try {
            return node.isTextual() ? fromText.apply(node.asText().strip()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
