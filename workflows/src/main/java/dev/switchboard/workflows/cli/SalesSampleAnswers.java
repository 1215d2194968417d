package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.sim.ModelSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a chat model would answer to the prompts of the sales examples, read from the sample's expected
 * files: the structured summary of a call ({@code sales-calls.expected.jsonl}, found by the call's title
 * in the prompt: the call id reads as a phone number, which the engine masks before a model sees it), a follow-up email citing the playbook articles the prompt offered, and a lead's score with
 * its reasons ({@code leads.expected.jsonl}, keyed by the lead id in the prompt). The demo and the tests
 * give it to the model simulator, so both run offline and the answers are the ones a person checked.
 */
public final class SalesSampleAnswers implements Function<ModelSimulator.Request, String> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LEAD_ID = Pattern.compile("Lead (lead-\\d+)");
    private static final Pattern ARTICLE_ID = Pattern.compile("<article id=\"([^\"]+)\">");

    private final Map<String, JsonNode> calls;
    private final Map<String, JsonNode> callEvents;
    private final Map<String, JsonNode> leads;
    private final double confidence;

    private SalesSampleAnswers(Map<String, JsonNode> calls, Map<String, JsonNode> callEvents, Map<String, JsonNode> leads, double confidence) {
        this.calls = calls;
        this.callEvents = callEvents;
        this.leads = leads;
        this.confidence = confidence;
    }

    /** The answers for the sample under {@code data} (the examples' data folder), each with this confidence. */
    public static SalesSampleAnswers from(Path data, double confidence) throws IOException {
        Map<String, JsonNode> callEvents = byId(data.resolve("sales-calls.jsonl"), event -> event.path("data").path("call_id").asText());
        Map<String, JsonNode> expectedCalls = byId(data.resolve("sales-calls.expected.jsonl"), line -> line.path("id").asText());
        Map<String, JsonNode> calls = new HashMap<>();
        callEvents.forEach((callId, event) -> {
            JsonNode expected = expectedCalls.get(event.path("id").asText());
            if (expected != null) {
                calls.put(callId, expected);
            }
        });
        Map<String, JsonNode> leadEvents = byId(data.resolve("leads.jsonl"), event -> event.path("id").asText());
        Map<String, JsonNode> leads = new HashMap<>();
        byId(data.resolve("leads.expected.jsonl"), line -> line.path("id").asText()).forEach((eventId, expected) -> {
            JsonNode event = leadEvents.get(eventId);
            if (event != null) {
                leads.put(event.path("data").path("lead_id").asText(), expected);
            }
        });
        return new SalesSampleAnswers(Map.copyOf(calls), Map.copyOf(callEvents), Map.copyOf(leads), confidence);
    }

    /** The expected summary of a call, by call id; null when the sample has none. */
    public JsonNode expectedCall(String callId) {
        return calls.get(callId);
    }

    @Override
    public String apply(ModelSimulator.Request request) {
        JsonNode properties = request.schemaProperties();
        // a repair turn comes last: the event's text is in the first user message
        String text = request.messages().stream().filter(message -> "user".equals(message.role()))
                .map(ModelSimulator.Message::content).findFirst().orElse("");
        if (properties.has("next_steps")) {
            return summary(callIn(text));
        }
        if (properties.has("draft")) {
            return email(callIn(text), request.system());
        }
        if (properties.has("score")) {
            return score(first(LEAD_ID, text, 1));
        }
        return ModelSimulator.defaultAnswer(request);
    }

    private String summary(String callId) {
        JsonNode expected = callId == null ? null : calls.get(callId);
        if (expected == null) {
            return "{\"confidence\": 0.1}";
        }
        ObjectNode answer = JSON.createObjectNode();
        String customer = customerOf(callId).path("company").asText(expected.path("company").asText());
        answer.put("summary", "A " + expected.path("call_kind").asText("sales") + " call with " + customer + "; the customer sounds "
                + expected.path("sentiment").asText() + " and the " + expected.path("recommended_plan").asText("") + " plan fits.");
        answer.set("key_points", expected.path("key_points"));
        answer.set("objections", expected.path("objections"));
        answer.set("next_steps", expected.path("next_steps"));
        answer.put("sentiment", expected.path("sentiment").asText());
        StringBuilder note = new StringBuilder();
        expected.path("key_points").forEach(point -> note.append("Key point: ").append(point.asText()).append('\n'));
        expected.path("objections").forEach(objection -> note.append("Objection (").append(objection.path("type").asText()).append("): ")
                .append(objection.path("summary").asText()).append('\n'));
        expected.path("next_steps").forEach(step -> note.append("Next step: ").append(step.path("owner").asText()).append(" to ")
                .append(step.path("action").asText()).append(" by ").append(step.path("due").asText("(no date)")).append('\n'));
        answer.put("note", note.toString().strip());
        answer.put("confidence", confidence);
        return answer.toString();
    }

    private String email(String callId, String system) {
        JsonNode expected = callId == null ? null : calls.get(callId);
        List<String> offered = new ArrayList<>();
        Matcher articles = ARTICLE_ID.matcher(system);
        while (articles.find()) {
            offered.add(articles.group(1));
        }
        List<String> cited = new ArrayList<>();
        if (expected != null) {
            expected.path("kb").forEach(id -> {
                if (offered.contains(id.asText())) {
                    cited.add(id.asText());
                }
            });
        }
        if (cited.isEmpty() && !offered.isEmpty()) {
            cited.add(offered.get(0));
        }
        String name = customerOf(callId).path("name").asText("there").split(" ")[0];
        StringBuilder draft = new StringBuilder("Hi ").append(name).append(",\n\nThank you for your time today. As agreed:\n");
        if (expected != null) {
            expected.path("next_steps").forEach(step -> draft.append("- ").append(step.path("owner").asText()).append(" will ")
                    .append(step.path("action").asText()).append(" by ").append(step.path("due").asText("the date we set")).append('\n'));
        }
        draft.append("\nBest regards");
        ObjectNode answer = JSON.createObjectNode().put("draft", draft.toString());
        ArrayNode citations = answer.putArray("citations");
        cited.forEach(citations::add);
        return answer.put("confidence", confidence).toString();
    }

    private String score(String leadId) {
        JsonNode expected = leadId == null ? null : leads.get(leadId);
        ObjectNode answer = JSON.createObjectNode();
        if (expected == null) {
            answer.put("score", 0).put("confidence", 0.1).putArray("reasons").add("not in the sample");
            return answer.toString();
        }
        // the rubric's sum can leave the declared 0 to 100, a model answering the schema stays inside it
        answer.put("score", Math.max(0, Math.min(100, expected.path("score").asInt())));
        // the step takes one to three reasons: the rubric's additions past the second go together in the third
        String[] parts = expected.path("why").asText().split(";\\s*", 3);
        ArrayNode reasons = answer.putArray("reasons");
        for (String reason : parts) {
            reasons.add(reason);
        }
        return answer.put("confidence", confidence).toString();
    }

    /** The customer participant of a call (the first whose role is customer), or an empty node. */
    private JsonNode customerOf(String callId) {
        JsonNode event = callId == null ? null : callEvents.get(callId);
        if (event != null) {
            for (JsonNode participant : event.path("data").path("participants")) {
                if ("customer".equals(participant.path("role").asText())) {
                    return participant;
                }
            }
        }
        return JSON.createObjectNode();
    }

    /** The id of the call whose title the prompt holds, or null. */
    private String callIn(String text) {
        for (Map.Entry<String, JsonNode> call : callEvents.entrySet()) {
            String title = call.getValue().path("data").path("title").asText();
            if (!title.isEmpty() && text.contains(title)) {
                return call.getKey();
            }
        }
        return null;
    }

    private static String first(Pattern pattern, String text, int group) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(group) : null;
    }

    private static Map<String, JsonNode> byId(Path file, Function<JsonNode, String> id) throws IOException {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode node = JSON.readTree(line);
                byId.put(id.apply(node), node);
            }
        }
        return byId;
    }
}
