package dev.switchboard.llm.chat;

import dev.switchboard.llm.ModelDefinition;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link GuardedChatEndpoint}, as every workflow reaches a model (built the way the model registry
 * builds it, the API key from the secrets), keeps the same contract when its policy adds no retries.
 */
class GuardedChatEndpointContractIT extends AbstractChatEndpointContractTest {

    @Override
    protected ChatEndpoint endpoint(String name, ModelDefinition definition, String apiKey) {
        return new GuardedChatEndpoint(OpenAiChatEndpoint.withSecrets(name, definition,
                variable -> variable.equals(API_KEY_ENV) ? Optional.of(apiKey) : Optional.empty()), Duration.ofMillis(10));
    }
}
