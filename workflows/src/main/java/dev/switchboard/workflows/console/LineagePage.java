package dev.switchboard.workflows.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.workflows.explain.EventExplainer;
import dev.switchboard.workflows.explain.Explanation;
import dev.switchboard.workflows.explain.Since;
import dev.switchboard.workflows.ops.EngineView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /console/events?id=<event id>&since=24h}: one event's path, read by the same {@link EventExplainer}
 * as {@code switchboard explain} and {@code /admin/events}: its records, each workflow's steps with their
 * outputs and model calls (with each call's prompt id and version, and the prompt's text where {@link PromptTexts} has it),
 * its tasks with their receipts, its reviews and dead letters, and the trace id it ran under.
 */
public final class LineagePage implements ConsolePage {

    private static final int SMALL = 64 * 1024;

    /** Shows an output as indented JSON in the template. */
    public static final class JsonText {
        private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        public String text(Object value) {
            try {
                return value == null ? "" : json.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return String.valueOf(value);
            }
        }
    }

    private final EngineView engine;
    private final PromptTexts prompts;

    /** @param prompts where a model call's prompt text is found, by its id and version ({@link PromptTexts#NONE} without a registry) */
    public LineagePage(EngineView engine, PromptTexts prompts) {
        this.engine = engine;
        this.prompts = prompts;
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console/events", SMALL, console.page(Role.VIEWER, (request, session) -> {
            String id = request.field("id");
            String since = request.field("since") == null || request.field("since").isBlank() ? "24h" : request.field("since");
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("id", id == null ? "" : id);
            model.put("since", since);
            model.put("json", new JsonText());
            model.put("message", "");
            model.put("prompts", prompts);
            if (id != null && !id.isBlank()) {
                try {
                    Explanation explanation = new EventExplainer(engine.bootstrapServers(), engine.clientProperties(), engine.topics(),
                            engine.definitions()).explain(id.strip(), Since.parse(since, Instant.now()));
                    if (explanation.found()) {
                        model.put("explanation", explanation);
                    } else {
                        model.put("message", "No record of event '" + id + "' since " + since + "; look further back, e.g. 7d");
                    }
                } catch (IllegalArgumentException e) {
                    model.put("message", e.getMessage());
                }
            }
            return console.render(request, session, "lineage", null, model);
        }));
    }
}
