package dev.switchboard.llm.chat;

import dev.switchboard.llm.ModelDefinition;

/** {@link OpenAiChatEndpoint} keeps the chat endpoint contract against the OpenAI-compatible simulator. */
class OpenAiChatEndpointContractIT extends AbstractChatEndpointContractTest {

    @Override
    protected ChatEndpoint endpoint(String name, ModelDefinition definition, String apiKey) {
        return new OpenAiChatEndpoint(name, definition, apiKey);
    }
}
