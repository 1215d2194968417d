package dev.switchboard.workflows.prompts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.spi.PromptedStep.PromptVersion;

/**
 * A prompt version as the prompts topic keeps it: the text behind a {@code prompt_version} of outputs and audit records.
 *
 * @param version  the content hash, the record's key
 * @param promptId the step type and id that first sent it, e.g. {@code score/lead-score}
 * @param workflow the workflow of that step
 * @param source   the template it was made from: bundled, or the workflow's {@code prompt_file}
 * @param text     the prompt with the step's options filled in
 */
public record RecordedPrompt(String version, @JsonProperty("prompt_id") String promptId, String workflow, String source, String text) {

    public static RecordedPrompt of(String workflow, PromptVersion prompt) {
        return new RecordedPrompt(prompt.version(), prompt.promptId(), workflow, prompt.source(), prompt.text());
    }
}
