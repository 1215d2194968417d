package dev.switchboard.llm.openai;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.chat.ChatEndpoint;
import dev.switchboard.llm.chat.OpenAiChatEndpoint;
import dev.switchboard.llm.spi.ChatProvider;
import dev.switchboard.schemas.options.OptionProblem;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code provider: openai}: any OpenAI-compatible endpoint (DeepSeek, Qwen, vLLM, Ollama, llama.cpp,
 * LM Studio, OpenRouter), its base URL and API key variable given by the model or by its {@link ModelPreset}.
 */
public final class OpenAiChatProvider implements ChatProvider {

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public List<OptionProblem> check(ModelDefinition definition) {
        if (ModelPreset.baseUrlOf(definition) == null || definition.model() == null) {
            return List.of(OptionProblem.at("", "Missing base_url or model").fix(": an openai provider needs both (a preset gives base_url),"
                    + " e.g. base_url: http://127.0.0.1:8000/v1 and model: qwen2.5-7b-instruct"));
        }
        return List.of();
    }

    @Override
    public ChatEndpoint endpoint(String model, ModelDefinition definition, Function<String, Optional<String>> secrets) {
        return OpenAiChatEndpoint.withSecrets(model, definition, secrets);
    }
}
