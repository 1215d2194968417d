package dev.switchboard.llm.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.sim.ModelSimulator.Message;
import dev.switchboard.llm.sim.ModelSimulator.Request;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator answering as a model would for a known set of inputs: canned answers from a fixture, chosen by
 * a key found in the request's user messages (a ticket id, say) and by what the request asks for, the name of
 * its JSON schema ({@code classification}, {@code draft}, ...). Requests it has no answer for get
 * {@link ModelSimulator#defaultAnswer}.
 *
 * <p>Fixture rows, one JSON object a line: {@code {"key": "48210", "answers": {"classification": {"label":
 * "billing", "confidence": 0.91}, "draft": {"draft": "...", "citations": ["billing-invoices-download"],
 * "confidence": 0.9}}}}. An answer with {@code citations} cites only the articles the request shows
 * ({@code <article id="...">} in its system message), as a model can cite only what it was given; when none of
 * its citations were shown, it hands over instead: a short reply that a colleague will follow up, citing
 * nothing, with a confidence of at most 0.3. Everything else is sent as written, wrong labels included.
 */
public final class CannedAnswers implements Function<Request, String> {

    private static final Pattern SHOWN = Pattern.compile("<article id=\"([^\"]+)\">");
    private static final String HAND_OVER = "Thanks for your message. A colleague will look into it and get back to you shortly.";

    private final Pattern key;
    private final Map<String, JsonNode> answers;

    private CannedAnswers(Pattern key, Map<String, JsonNode> answers) {
        this.key = key;
        this.answers = answers;
    }

    /**
     * Reads a fixture.
     *
     * @param key a pattern whose groups, found in a user message, are the key of the row to answer from (with several
     *            groups, those that matched joined by '|': {@code 12 Oct 2026|BWD-1198})
     */
    public static CannedAnswers read(Reader fixture, Pattern key) throws IOException {
        Map<String, JsonNode> answers = new HashMap<>();
        BufferedReader lines = new BufferedReader(fixture);
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = SimulatedAnswers.JSON.readTree(line);
            if (!row.path("key").isTextual() || !row.path("answers").isObject()) {
                throw new IOException("Line " + number + " of the canned answers has no text 'key' and object 'answers'");
            }
            answers.put(row.get("key").asText(), row.get("answers"));
        }
        return new CannedAnswers(key, Map.copyOf(answers));
    }

    /** The groups that matched, joined by '|': one group is the key itself; more tell apart inputs one field does not. */
    private static String key(Matcher found) {
        StringBuilder key = new StringBuilder();
        for (int group = 1; group <= found.groupCount(); group++) {
            if (found.group(group) != null) {
                key.append(key.length() == 0 ? "" : "|").append(found.group(group));
            }
        }
        return key.toString();
    }

    /** How many keys the fixture answers for. */
    public int size() {
        return answers.size();
    }

    @Override
    public String apply(Request request) {
        JsonNode row = null;
        for (Message message : request.messages()) {
            Matcher found = "user".equals(message.role()) ? key.matcher(message.content()) : null;
            if (found != null && found.find()) {
                row = answers.get(key(found));
                break;
            }
        }
        String kind = request.responseFormat() == null ? "" : request.responseFormat().path("json_schema").path("name").asText("");
        JsonNode canned = row == null ? null : row.get(kind);
        if (canned == null || !canned.isObject()) {
            return ModelSimulator.defaultAnswer(request);
        }
        return canned.has("citations") ? grounded((ObjectNode) canned.deepCopy(), request.system()).toString() : canned.toString();
    }

    /** The answer citing only what the request shows; a hand-over when it shows none of them. */
    private static ObjectNode grounded(ObjectNode answer, String system) {
        Set<String> shown = new LinkedHashSet<>();
        Matcher article = SHOWN.matcher(system);
        while (article.find()) {
            shown.add(article.group(1));
        }
        var citations = SimulatedAnswers.JSON.createArrayNode();
        answer.path("citations").forEach(citation -> {
            if (shown.contains(citation.asText())) {
                citations.add(citation);
            }
        });
        if (citations.isEmpty() && !answer.path("citations").isEmpty()) {
            answer.put("draft", HAND_OVER);
            answer.put("confidence", Math.min(0.3, answer.path("confidence").asDouble(0.3)));
        }
        answer.set("citations", citations);
        return answer;
    }
}
