package dev.switchboard.llm.chat;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One request to a chat model: a system prompt, user and assistant turns, and optionally the JSON
 * schema the answer must follow. Immutable; the builder checks that it can be sent.
 *
 * @param promptId      which prompt, e.g. {@code extract/contact}
 * @param promptVersion content hash of the prompt template and the step's options
 * @param system        the system prompt
 * @param turns         user and assistant turns, starting and ending with a user turn
 * @param schema        the answer's JSON schema, or null for free text
 * @param schemaName    the schema's name, sent with it
 * @param maxTokens     overrides the endpoint's {@code max_tokens}, or null
 */
public record ChatCall(String promptId, String promptVersion, String system, List<Turn> turns,
                       JsonObjectSchema schema, String schemaName, Integer maxTokens) {

    /** Who said it. */
    public enum Role { USER, ASSISTANT }

    public record Turn(Role role, String text) {
        public Turn {
            Objects.requireNonNull(role, "role");
            text = text == null ? "" : text;
        }
    }

    public ChatCall {
        Objects.requireNonNull(system, "system");
        turns = List.copyOf(turns);
        if (turns.isEmpty() || turns.get(turns.size() - 1).role() != Role.USER) {
            throw new IllegalArgumentException("A chat call ends with a user turn");
        }
        if (schema != null && (schemaName == null || !schemaName.matches("[a-zA-Z0-9_-]{1,64}"))) {
            throw new IllegalArgumentException("A JSON schema needs a name of letters, digits, '_' and '-': got " + schemaName);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same call with the model's invalid answer and a correction appended: the one repair turn. */
    public ChatCall withRepair(String answer, String correction) {
        List<Turn> more = new ArrayList<>(turns);
        more.add(new Turn(Role.ASSISTANT, answer));
        more.add(new Turn(Role.USER, correction));
        return new ChatCall(promptId, promptVersion, system, more, schema, schemaName, maxTokens);
    }

    /** The same call under another prompt id and version. */
    public ChatCall withPrompt(String id, String version) {
        return new ChatCall(id, version, system, turns, schema, schemaName, maxTokens);
    }

    /** A rough input size for token-rate admission: four characters a token, as most tokenizers average on English. */
    public int estimatedInputTokens() {
        long chars = system.length() + turns.stream().mapToLong(turn -> turn.text().length()).sum();
        return (int) Math.min(Integer.MAX_VALUE, chars / 4 + 1);
    }

    public static final class Builder {
        private String promptId;
        private String promptVersion;
        private String system = "";
        private final List<Turn> turns = new ArrayList<>();
        private JsonObjectSchema schema;
        private String schemaName;
        private Integer maxTokens;

        public Builder prompt(String id, String version) {
            this.promptId = id;
            this.promptVersion = version;
            return this;
        }

        public Builder system(String text) {
            this.system = text;
            return this;
        }

        public Builder user(String text) {
            turns.add(new Turn(Role.USER, text));
            return this;
        }

        public Builder assistant(String text) {
            turns.add(new Turn(Role.ASSISTANT, text));
            return this;
        }

        public Builder schema(String name, JsonObjectSchema schema) {
            this.schemaName = name;
            this.schema = schema;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public ChatCall build() {
            return new ChatCall(promptId, promptVersion, system, turns, schema, schemaName, maxTokens);
        }
    }
}
