package dev.switchboard.schemas.spi;

import java.util.List;

/** A step that asks a model: the prompt versions it sends, so that the text behind each version is recorded once. */
public interface PromptedStep {

    /**
     * One prompt version and its text.
     *
     * @param version  the content hash that outputs and audit records carry as {@code prompt_version}
     * @param promptId the step type and id, e.g. {@code score/lead-score}
     * @param source   where the template comes from: {@code bundled:prompts/score.system.md} or the workflow's {@code prompt_file}
     * @param text     the prompt with the step's options filled in; what only an event gives (a draft's articles) stays a placeholder
     */
    record PromptVersion(String version, String promptId, String source, String text) {
    }

    /** The versions this step sends. */
    List<PromptVersion> prompts();
}
