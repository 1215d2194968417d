package dev.switchboard.workflows.console;

import java.util.Optional;

/**
 * Where the lineage page finds the text of a prompt a model call was made with. The audit topic records
 * only the prompt's id and version (a content hash), so the text comes from a prompt registry where one
 * is configured; until then {@link #NONE} answers nothing and the page shows the id and version alone.
 */
@FunctionalInterface
public interface PromptTexts {

    /** No registry: no prompt text is known. */
    PromptTexts NONE = (promptId, promptVersion) -> Optional.empty();

    /** The prompt's text at that version, when the registry holds it. */
    Optional<String> text(String promptId, String promptVersion);
}
