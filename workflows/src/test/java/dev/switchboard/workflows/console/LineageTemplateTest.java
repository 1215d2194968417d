package dev.switchboard.workflows.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.explain.Explanation;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lineage page shows each model call's prompt and the trace id, and a prompt's text where the registry has it. */
class LineageTemplateTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void should_show_the_prompt_version_and_the_trace_id_when_the_audit_records_and_tasks_carry_them() {
        // given a path whose model call names its prompt, and a registry that knows that prompt's text
        PromptTexts registry = (id, version) -> "classify/triage".equals(id) && "v-3f2a".equals(version)
                ? Optional.of("Sort the ticket <into> one label") : Optional.empty();

        // when the page is rendered
        String page = render(registry);

        // then it shows the prompt's id, version and text (escaped), and the trace id
        assertThat(page).contains("prompt classify/triage version v-3f2a", "Sort the ticket &lt;into&gt; one label",
                "<code class=\"trace-id\">" + TRACE + "</code>");
    }

    @Test
    void should_show_the_prompt_version_alone_when_no_registry_has_its_text() {
        String page = render(PromptTexts.NONE);

        assertThat(page).contains("prompt classify/triage version v-3f2a").doesNotContain("Prompt text");
    }

    private static String render(PromptTexts prompts) {
        Explanation.ModelCallRecord call = new Explanation.ModelCallRecord("sim-a", "qwen-a", "ok", 120, 8, 42.0, 0.0001, false,
                "2026-12-04T12:00:00Z", "classify/triage", "v-3f2a");
        Explanation.StepPath step = new Explanation.StepPath("triage", "classify", "completed", Map.of("label", "bug"), null, List.of(call));
        Explanation.WorkflowPath path = new Explanation.WorkflowPath("triage", "tickets", "1 task: 1 delivered", "takes type 'ticket.created'",
                null, List.of(step), List.of(), List.of(), List.of(), true, TRACE);
        Map<String, Object> model = new HashMap<>();
        model.put("user", new ConsoleUser("vic", Role.VIEWER));
        model.put("role", "viewer");
        model.put("csrf", "c");
        model.put("id", "ev-1");
        model.put("since", "24h");
        model.put("message", "");
        model.put("json", new LineagePage.JsonText());
        model.put("prompts", prompts);
        model.put("explanation", new Explanation("ev-1", "2026-12-04T00:00:00Z", 3, List.of(), List.of(path), List.of()));
        return new String(new ConsolePages().render(200, "lineage", null, model, Map.of()).body(), StandardCharsets.UTF_8);
    }
}
