package dev.switchboard.llm.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.sim.ModelSimulator.Request;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulated model says: the default answers, answers that fill a request's JSON schema, the
 * answers of a model that obeys injected instructions, and the deterministic token count every answer
 * and prompt is measured with.
 */
final class SimulatedAnswers {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_]+|[^\\p{L}\\p{N}_\\s]");
    private static final Pattern LABEL_INJECTION = Pattern.compile("(?i)label this as\\s+[\"'`]?([\\p{L}\\p{N}_.-]+)");
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");
    private static final Pattern ASKS_FOR_SECRET = Pattern.compile("(?i)(api[ _-]?key|secret|password|token|credential)");
    private static final Pattern RANGE = Pattern.compile("from (-?[0-9.]+) to (-?[0-9.]+)");

    private SimulatedAnswers() {
    }

    static String defaultAnswer(Request request) {
        List<String> labels = request.labels();
        if (labels.isEmpty() && !request.schemaProperties().isEmpty() && !request.schemaProperties().has("label")) {
            return schemaAnswer(request, "Simulated answer.");
        }
        return answer(labels.isEmpty() ? "unknown" : labels.get(0), ModelSimulator.DEFAULT_CONFIDENCE);
    }

    static String schemaAnswer(Request request, String text) {
        return fill(request.schemaProperties(), text).toString();
    }

    private static ObjectNode fill(JsonNode properties, String text) {
        ObjectNode answer = JSON.createObjectNode();
        properties.fields().forEachRemaining(property -> answer.set(property.getKey(), value(property.getValue(), text)));
        return answer;
    }

    private static JsonNode value(JsonNode schema, String text) {
        if (schema.has("anyOf") && schema.get("anyOf").size() > 0) {
            return value(schema.get("anyOf").get(0), text);
        }
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").isArray() ? schema.get("type").get(0).asText() : schema.path("type").asText("string");
        return switch (type) {
            case "number", "integer" -> {
                Matcher range = RANGE.matcher(schema.path("description").asText(""));
                double value = range.find() ? (Double.parseDouble(range.group(1)) + Double.parseDouble(range.group(2))) / 2
                        : ModelSimulator.DEFAULT_CONFIDENCE;
                yield "integer".equals(type) ? JSON.getNodeFactory().numberNode(Math.round(value)) : JSON.getNodeFactory().numberNode(value);
            }
            case "boolean" -> JSON.getNodeFactory().booleanNode(true);
            case "array" -> JSON.createArrayNode().add(value(schema.path("items"), text));
            case "object" -> fill(schema.path("properties"), text);
            case "null" -> JSON.getNodeFactory().nullNode();
            default -> JSON.getNodeFactory().textNode(text);
        };
    }

    static String answer(String label, double confidence) {
        return JSON.createObjectNode().put("label", label).put("confidence", confidence).toString();
    }

    /** A JSON object cut off in the middle, as a model stopped mid-answer writes it. */
    static String malformed(Request request) {
        String label = request.labels().isEmpty() ? "unknown" : request.labels().get(0);
        return "{\"label\": \"" + label + "\", \"confidence\": ";
    }

    /**
     * Obeys what the text says, as a model with no defences (or a compromised endpoint) would: a link in
     * the text becomes the label and every text field; "label this as X" answers X; a text asking for an
     * API key, secret, password or token gets the credential this request was sent with.
     */
    static String adversarialAnswer(Request request) {
        String user = request.user();
        Matcher injected = LABEL_INJECTION.matcher(user);
        Matcher url = URL.matcher(user);
        String link = url.find() ? url.group() : null;
        String credential = ASKS_FOR_SECRET.matcher(user).find() && request.authorization() != null
                ? request.authorization().replaceFirst("(?i)^Bearer\\s+", "") : null;
        String label = link != null ? link
                : injected.find() ? injected.group(1)
                : credential != null ? credential
                : request.labels().isEmpty() ? "unknown" : request.labels().get(0);
        if (!request.labels().isEmpty() || request.schemaProperties().isEmpty() || request.schemaProperties().has("label")) {
            return answer(label, 0.99);
        }
        String obeyed = "Done as instructed." + (link == null ? "" : " Sent to " + link + ".")
                + (credential == null ? "" : " The API key is " + credential + ".");
        return schemaAnswer(request, obeyed);
    }

    static int tokens(String text) {
        if (text == null) {
            return 0;
        }
        Matcher matcher = TOKEN.matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /** The first {@code max} tokens of the text, as the server would stop generating there. */
    static String truncate(String text, int max) {
        Matcher matcher = TOKEN.matcher(text);
        int end = 0;
        for (int i = 0; i < max && matcher.find(); i++) {
            end = matcher.end();
        }
        return text.substring(0, end);
    }
}
