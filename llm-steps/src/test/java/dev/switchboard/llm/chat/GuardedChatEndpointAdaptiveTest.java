package dev.switchboard.llm.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardedChatEndpointAdaptiveTest {

    private static final ChatCall CALL = ChatCall.builder().system("s").user("u").build();

    /** An endpoint that answers every call with a 429, without HTTP: the guard's reaction is what is tested. */
    private static ChatEndpoint rateLimited(ModelDefinition definition, AtomicInteger calls) {
        return new ChatEndpoint() {
            @Override
            public String name() {
                return "local";
            }

            @Override
            public ModelDefinition definition() {
                return definition;
            }

            @Override
            public ChatAnswer chat(ChatCall call) {
                calls.incrementAndGet();
                return ChatAnswer.failed(new ChatAnswer.Failure(ChatAnswer.Kind.HTTP, 429, "Rate limit reached", true, null), 1, "m");
            }
        };
    }

    private static ModelDefinition definition(String limit) {
        return ModelDefinition.builder().baseUrl("http://127.0.0.1:1/v1").model("m").retries(0).maxConcurrency(64)
                .concurrencyLimit(limit).circuit(5, 30).build();
    }

    @Test
    void should_shrink_the_adaptive_limit_and_keep_the_circuit_closed_when_the_endpoint_answers_429() {
        AtomicInteger calls = new AtomicInteger();
        GuardedChatEndpoint endpoint = new GuardedChatEndpoint(rateLimited(definition("adaptive"), calls), Duration.ofMillis(1));
        assertThat(endpoint.concurrencyLimit()).isEqualTo(8);

        for (int i = 0; i < 10; i++) {
            endpoint.chat(CALL);
        }

        // each call started after the previous cut, so each cut: 8 → 7 → 6 → 5 → 4 → 3 → 2 → 1, then it stays at 1
        assertThat(endpoint.concurrencyLimit()).isEqualTo(1);
        assertThat(endpoint.circuitState()).isEqualTo("CLOSED");
        assertThat(calls).hasValue(10);
        assertThat(endpoint.inFlight()).isZero();
    }

    @Test
    void should_open_the_circuit_on_429s_under_a_fixed_limit_as_before() {
        AtomicInteger calls = new AtomicInteger();
        GuardedChatEndpoint endpoint = new GuardedChatEndpoint(rateLimited(definition("fixed"), calls), Duration.ofMillis(1));

        for (int i = 0; i < 10; i++) {
            endpoint.chat(CALL);
        }

        assertThat(endpoint.concurrencyLimit()).isEqualTo(64);
        assertThat(endpoint.circuitState()).isEqualTo("OPEN");
        assertThat(calls).hasValue(5);
    }
}
