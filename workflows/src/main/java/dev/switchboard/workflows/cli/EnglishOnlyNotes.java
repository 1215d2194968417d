package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.workflows.eval.OptionsRecords;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code switchboard validate} warns about steps on an in-process model: every encoder shipped is an English
 * model, so French, German or Chinese text gets unreliable answers there, with no error to show it. A warning, not
 * a problem: the file is valid, and English traffic is the common case.
 */
final class EnglishOnlyNotes {

    private EnglishOnlyNotes() {
    }

    static List<String> of(List<Workflow> workflows, ModelRegistry models) {
        List<String> notes = new ArrayList<>();
        for (Workflow workflow : workflows) {
            for (int i = 0; i < workflow.steps().size(); i++) {
                StepSpec step = workflow.steps().get(i);
                if (!OptionsRecords.has(step.options().getClass(), "model")
                        || !(OptionsRecords.read(step.options(), "model") instanceof String model) || !models.contains(model)) {
                    continue;
                }
                for (String member : models.chain(model)) {
                    if (!models.chats(member)) {
                        notes.add("Warning: %s:%d steps[%d].%s.model: '%s' runs the in-process encoder %s, an English model: it %s English text. Send other languages (French, German, Chinese, ...) through a chat model such as Qwen or DeepSeek"
                                .formatted(workflow.file(), step.line(), i, step.type(), member, models.definition(member).encoder(),
                                        step.type().equals("classify") ? "classifies" : "reads"));
                    }
                }
            }
        }
        return notes;
    }
}
