package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/**
 * The options a model step shares with the others, declared once. Each step's options record holds one of
 * these records as an {@link OptionGroup} (its keys then sit at the step's own level in the YAML, the schema
 * and the docs): {@link ScoredMessage} for a step that reads one message and whose answers carry a
 * confidence, {@link Message} for one that reads one message, {@link Transcript} for one that reads whole
 * call transcripts. All of them hold the {@link Guards} every model step has; each default is declared once,
 * in the record that owns it. A step that needs a chat model takes its model and prompt file from {@link ChatModel};
 * classify declares its own, since it answers in-process unless told otherwise.
 */
public sealed interface ModelOptions {

    /** The description of every model step's {@code model} option. */
    String PROMPT_FILE = "A Markdown file with the step's own prompt template, relative to the workflow file and inside its folder: it "
            + "replaces the bundled one (see `prompts/` in llm-steps), with the same `{{placeholders}}`. The prompt version is its content hash.";

    String MODEL = "The model or alias to use, by its name under `models:` or `aliases:` in the engine configuration. An alias is a chain: the next model is tried when one fails, answers invalidly or below `min_confidence`.";

    String MAX_INPUT_CHARS = "Input longer than this many characters is cut before it reaches a model.";

    /** Input beyond this many characters is cut. */
    Integer maxInputChars();

    /** Answers less sure than this fall through to the next model; null where answers carry no confidence. */
    default Double minConfidence() {
        return null;
    }

    Guards guards();

    /** The chat model a step calls, and the workflow's own prompt for it. */
    record ChatModel(
            @Option(description = MODEL, required = true)
            String model,
            @Option(description = PROMPT_FILE, file = true)
            @JsonProperty("prompt_file") String promptFile) {
    }

    /** How every model step's answers are cached and its input guarded. */
    record Guards(
            @Option(description = "Reuse validated answers for the same model, prompt version and input (whitespace-collapsed): `workflow` within this workflow, `shared` across workflows that set it too, `off` never.",
                    defaultValue = "workflow", allowed = {"workflow", "shared", "off"})
            String cache,
            @Option(description = "How long a cached answer is reused, in seconds.", defaultValue = "3600", minimum = 1)
            @JsonProperty("cache_ttl_seconds") Integer cacheTtlSeconds,
            @Option(description = "Mask emails, phone numbers, IBANs, card numbers and names given away by the text before calls to models that are not in-process; the answer gets the originals back.",
                    defaultValue = "true")
            @JsonProperty("mask_pii") Boolean maskPii,
            @Option(description = "What to do with input that looks like prompt injection: `flag` adds `injection_suspected` to the output, `review` sends the event to the review topic, `block` dead-letters it, `off` does not screen.",
                    defaultValue = "flag", allowed = {"flag", "review", "block", "off"})
            String injection) {
    }

    /** A step that reads one message: a ticket, an email, a lead. */
    record Message(
            @Option(description = MAX_INPUT_CHARS, defaultValue = "4000", minimum = 1, maximum = 200000)
            @JsonProperty("max_input_chars") Integer maxInputChars,
            @OptionGroup Guards guards) implements ModelOptions {
    }

    /** A step that reads a whole call transcript or thread. */
    record Transcript(
            @Option(description = MAX_INPUT_CHARS, defaultValue = "20000", minimum = 1, maximum = 200000)
            @JsonProperty("max_input_chars") Integer maxInputChars,
            @OptionGroup Guards guards) implements ModelOptions {
    }

    /** A step that reads one message and whose answers carry a confidence. */
    record ScoredMessage(
            @Option(description = "Answers with a lower confidence fall through to the next model of the chain; when none reaches it, the event goes to the review topic.",
                    minimum = 0, maximum = 1)
            @JsonProperty("min_confidence") Double minConfidence,
            @OptionGroup Message message) implements ModelOptions {

        @Override
        public Integer maxInputChars() {
            return message.maxInputChars();
        }

        @Override
        public Guards guards() {
            return message.guards();
        }
    }
}
