package dev.switchboard.llm.steps.internal;

import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;

/** A model step's input for one event: its {@code input} template rendered and capped, and the check that it is not empty. */
record StepInput(String type, String stepId, String input, int maxChars, Template template) {

    StepInput(String type, String stepId, ModelStepOptions options) {
        this(type, stepId, options.input(), options.modelOptions().maxInputChars(), Template.parse(options.input()));
    }

    /** The event's text, cut at {@code max_input_chars}; throws {@link Template.MissingValueException} when it lacks a value. */
    String text(StepInvocation invocation) {
        String text = invocation.render(input);
        return text.length() > maxChars ? text.substring(0, maxChars) : text;
    }

    /** The permanent failure of a text with nothing of the event in it (blank, or only the template's own text), or null. */
    StepOutcome.Failed emptyFailure(String text) {
        if (!text.isBlank() && !withoutSpace(text).equals(withoutSpace(template.literal()))) {
            return null;
        }
        return StepOutcome.Failed.permanent("Empty input at steps." + stepId + ".input: got '" + text.strip()
                + "' from \"" + input + "\", expected some text to " + type + ". Send events that carry it,"
                + " or skip the others with when: on this step or on.filter on the workflow");
    }

    private static String withoutSpace(String text) {
        return text.replaceAll("\\s+", "");
    }
}
