package dev.switchboard.llm.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ModelSimulatorListenerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void should_tell_the_listener_of_every_exchange_while_keeping_none_when_the_log_limit_is_zero() throws Exception {
        // given
        List<ModelSimulator.Exchange> told = new CopyOnWriteArrayList<>();
        try (ModelSimulator simulator = ModelSimulator.start()) {
            simulator.logLimit(0).onAnswered(told::add);

            // when
            ask(simulator, "first");
            ask(simulator, "second");

            // then each answered exchange was told, with its request and service time, and the log kept none of them
            assertThat(told).extracting(exchange -> exchange.request().user()).containsExactly("first", "second");
            assertThat(told).allSatisfy(exchange -> assertThat(exchange.serviceNanos()).isPositive());
            assertThat(simulator.exchanges()).isEmpty();
            assertThat(simulator.requestCount()).isEqualTo(2);

            // and a reset removes the listener
            simulator.reset();
            ask(simulator, "third");
            assertThat(told).hasSize(2);
        }
    }

    private void ask(ModelSimulator simulator, String text) throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
