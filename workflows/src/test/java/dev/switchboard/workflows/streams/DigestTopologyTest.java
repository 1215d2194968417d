package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.model.ScheduleTrigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant MONDAY_8AM = Instant.parse("2026-11-02T08:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestOutputTopic<String, byte[]> out;

    private void start(ScheduleTrigger schedule) {
        driver = new TopologyTestDriver(DigestTopology.build("weekly", schedule,
                new DigestTopology.Sources("tasks", "deliveries", "audit", "review"), "digest", StreamsObserver.NONE),
                Events.driver(state), MONDAY_8AM);
        out = driver.createOutputTopic("digest", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String topic, String json) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        in.pipeInput("k".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    private void workDone() {
        send("tasks", "{\"id\":\"t1\",\"workflow\":\"triage\",\"sink\":\"crm\",\"fields\":{\"label\":\"billing\"}}");
        send("tasks", "{\"id\":\"t2\",\"workflow\":\"triage\",\"sink\":\"crm\",\"fields\":{\"label\":\"bug\"}}");
        send("tasks", "{\"id\":\"t3\",\"workflow\":\"escalate\",\"sink\":\"crm\"}");
        send("deliveries", "{\"task_id\":\"t1\",\"workflow\":\"triage\",\"sink\":\"crm\",\"outcome\":\"delivered\",\"label\":\"billing\"}");
        send("deliveries", "{\"task_id\":\"t2\",\"workflow\":\"triage\",\"sink\":\"crm\",\"outcome\":\"dead_lettered\"}");
        send("audit", "{\"workflow\":\"triage\",\"provider\":\"deepseek\",\"model\":\"deepseek-chat\",\"tokens_in\":100,\"tokens_out\":20,\"cost_usd\":0.25,\"outcome\":\"ok\"}");
        send("audit", "{\"workflow\":\"triage\",\"provider\":\"deepseek\",\"model\":\"deepseek-chat\",\"tokens_in\":50,\"tokens_out\":10,\"cost_usd\":0.5,\"outcome\":\"ok\"}");
        send("review", "{\"review_id\":\"r1\",\"workflow\":\"triage\",\"status\":\"pending\"}");
        send("tasks", "not json at all");
    }

    private List<JsonNode> digests() {
        return out.readValuesToList().stream().map(bytes -> {
            try {
                return JSON.readTree(bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void should_emit_digest_with_totals_when_cron_falls_due() {
        // given a digest on Mondays at 09:00, started at 08:00, and the work of the hour
        start(new ScheduleTrigger("0 9 * * MON", null, "UTC", null));
        workDone();

        // when the wall clock reaches 08:59, nothing; at 09:00, the digest
        driver.advanceWallClockTime(Duration.ofMinutes(59));
        assertThat(digests()).isEmpty();
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        // then
        List<JsonNode> digests = digests();
        assertThat(digests).hasSize(1);
        JsonNode digest = digests.get(0);
        assertThat(digest.path("type").asText()).isEqualTo("switchboard.digest");
        JsonNode data = digest.path("data");
        assertThat(data.path("period").path("start").asText()).isEqualTo("2026-11-02T08:00:00Z");
        assertThat(data.path("period").path("end").asText()).isEqualTo("2026-11-02T09:00:00Z");
        assertThat(data.path("tasks").path("total").asLong()).isEqualTo(3);
        assertThat(data.path("tasks").path("by_workflow").path("triage").asLong()).isEqualTo(2);
        assertThat(data.path("tasks").path("by_label").path("billing").asLong()).isEqualTo(1);
        assertThat(data.path("deliveries").path("delivered").asLong()).isEqualTo(1);
        assertThat(data.path("deliveries").path("dead_lettered").asLong()).isEqualTo(1);
        assertThat(data.path("model").path("calls").asLong()).isEqualTo(2);
        assertThat(data.path("model").path("cost_usd").asDouble()).isEqualTo(0.75);
        assertThat(data.path("model").path("tokens_in").asLong()).isEqualTo(150);
        assertThat(data.path("model").path("by_model").path("deepseek/deepseek-chat").path("calls").asLong()).isEqualTo(2);
        assertThat(data.path("reviews").path("total").asLong()).isEqualTo(1);
        assertThat(Events.schemaProblems(digest)).isEmpty();
    }

    @Test
    void should_count_review_outcomes_per_step_when_people_decided_held_events() {
        // given three held events and the decisions on them: one approved as it was, one corrected, one rejected
        start(new ScheduleTrigger("0 9 * * MON", null, "UTC", null));
        send("review", "{\"review_id\":\"r1\",\"workflow\":\"triage\",\"step\":\"draft\",\"status\":\"pending\"}");
        send("review", "{\"review_id\":\"r2\",\"workflow\":\"triage\",\"step\":\"draft\",\"status\":\"pending\"}");
        send("review", "{\"review_id\":\"r3\",\"workflow\":\"triage\",\"step\":\"classify\",\"status\":\"pending\"}");
        send("review", "{\"review_id\":\"r1\",\"workflow\":\"triage\",\"step\":\"draft\",\"status\":\"approved\",\"value\":{}}");
        send("review", "{\"review_id\":\"r2\",\"workflow\":\"triage\",\"step\":\"draft\",\"status\":\"approved\",\"value\":{\"reply\":\"Fixed\"}}");
        send("review", "{\"review_id\":\"r3\",\"workflow\":\"triage\",\"step\":\"classify\",\"status\":\"rejected\"}");

        // when the digest falls due
        driver.advanceWallClockTime(Duration.ofHours(1));

        // then held events and decisions are counted apart, the decisions by outcome and by the step that held them
        JsonNode digest = digests().get(0);
        JsonNode reviews = digest.path("data").path("reviews");
        assertThat(reviews.path("total").asLong()).isEqualTo(3);
        assertThat(reviews.path("outcomes").path("approved_unchanged").asLong()).isEqualTo(1);
        assertThat(reviews.path("outcomes").path("corrected").asLong()).isEqualTo(1);
        assertThat(reviews.path("outcomes").path("rejected").asLong()).isEqualTo(1);
        assertThat(reviews.path("outcomes_by_step").path("triage.draft").path("approved_unchanged").asLong()).isEqualTo(1);
        assertThat(reviews.path("outcomes_by_step").path("triage.draft").path("corrected").asLong()).isEqualTo(1);
        assertThat(reviews.path("outcomes_by_step").path("triage.classify").path("rejected").asLong()).isEqualTo(1);
        assertThat(Events.schemaProblems(digest)).isEmpty();
    }

    @Test
    void should_start_next_period_from_zero_when_a_digest_was_emitted() {
        // given a digest every day
        start(new ScheduleTrigger(null, "P1D", "UTC", null));
        workDone();
        driver.advanceWallClockTime(Duration.ofDays(1));
        assertThat(digests()).hasSize(1);

        // when one more task comes and the next day falls due
        send("tasks", "{\"id\":\"t9\",\"workflow\":\"triage\",\"sink\":\"crm\",\"fields\":{\"label\":\"bug\"}}");
        driver.advanceWallClockTime(Duration.ofDays(1));

        // then the second digest counts only that
        List<JsonNode> digests = digests();
        assertThat(digests).hasSize(1);
        assertThat(digests.get(0).path("data").path("tasks").path("total").asLong()).isEqualTo(1);
        assertThat(digests.get(0).path("data").path("period").path("start").asText()).isEqualTo("2026-11-03T08:00:00Z");
        assertThat(digests.get(0).path("data").path("model").path("calls").asLong()).isZero();
    }

    @Test
    void should_count_only_named_workflows_when_schedule_lists_them() {
        // given
        start(new ScheduleTrigger(null, "PT1H", "UTC", List.of("escalate")));
        workDone();

        // when
        driver.advanceWallClockTime(Duration.ofHours(1));

        // then
        JsonNode data = digests().get(0).path("data");
        assertThat(data.path("tasks").path("total").asLong()).isEqualTo(1);
        assertThat(data.path("model").path("calls").asLong()).isZero();
    }
}
