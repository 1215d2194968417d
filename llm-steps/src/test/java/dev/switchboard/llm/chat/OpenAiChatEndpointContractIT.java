package dev.switchboard.llm.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.switchboard.llm.ModelDefinition;
import org.junit.jupiter.api.Test;

/** {@link OpenAiChatEndpoint} keeps the chat endpoint contract against the OpenAI-compatible simulator. */
class OpenAiChatEndpointContractIT extends AbstractChatEndpointContractTest {

    @Override
    protected ChatEndpoint endpoint(String name, ModelDefinition definition, String apiKey) {
        return new OpenAiChatEndpoint(name, definition, apiKey);
    }

    @Test
    void should_send_the_request_without_indentation_when_calling() {
        // given
        ChatEndpoint endpoint = endpoint("compact", ModelDefinition.builder().baseUrl(simulator.baseUrl()).model("contract-model")
                .timeoutSeconds(5).maxTokens(64).apiKeyEnv(API_KEY_ENV).retries(0).build(), API_KEY);
        ChatCall call = ChatCall.builder().prompt("contract/test", "pv-1").system("You label support tickets.").user("The export crashes")
                .schema("label", JsonObjectSchema.builder().addEnumProperty("label", java.util.List.of("billing", "bug")).required("label").build())
                .build();

        // when
        try {
            endpoint.chat(call);
        } finally {
            endpoint.close();
        }

        // then the body is the same JSON on one line: strings escape their line ends, so any is indentation
        String body = simulator.requests().get(0).body();
        assertThat(body).startsWith("{\"").doesNotContain("\n").contains("\"model\":\"contract-model\"");
    }
}
