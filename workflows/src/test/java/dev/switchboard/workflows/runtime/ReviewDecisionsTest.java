package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Trigger;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.steps.TaskStepFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nobody forges a person's decision: decisions come from the decisions topic only, each must match a
 * review the workflow holds and that is still pending, once, and the event it resumes and the earlier
 * outputs come from the held review, never from the decision. A workflow of two steps: {@code triage}
 * holds every event for review, {@code create-task} makes a task from the label a person gives.
 */
class ReviewDecisionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = new Topics("tasks", "dlq", "deliveries", "review", "audit", "decisions");
    private static final String WORKFLOW = "reviewed";

    private WorkflowRunner runner;
    private final List<String> outcomes = new java.util.ArrayList<>();
    private final Map<String, JsonNode> ledger = new HashMap<>();
    private long offset;

    @BeforeEach
    void setUp() {
        StepFactory<Record> unsure = new StepFactory<>() {
            @Override
            public Class<Record> optionsType() {
                return Record.class;
            }

            @Override
            public Step create(String stepId, Record options, StepEnvironment environment) {
                return batch -> batch.stream().map(invocation -> (StepOutcome) new StepOutcome.Review("every model was unsure",
                        List.of(Map.of("model", "sim", "outcome", "low_confidence", "output", Map.of("label", "bug", "confidence", 0.4))),
                        List.of())).toList();
            }
        };
        @SuppressWarnings("unchecked")
        StepFactory<Record> task = (StepFactory<Record>) (StepFactory<?>) new TaskStepFactory();
        Record taskOptions = new TaskStepFactory.Options("queue", "[{{ steps.triage.label }}] {{ event.data.subject }}", null, "normal",
                null, null, Map.of("label", "{{ steps.triage.label }}"), null, null, null, null);
        Workflow workflow = new Workflow(WORKFLOW, null, new Trigger("events", List.of("ticket.created"), null, "latest", null, null),
                List.of(new StepSpec("triage", null, "unsure", unsure, null, 1), new StepSpec("create-task", null, "task", task, taskOptions, 2)),
                Path.of("reviewed.yaml"));
        StepListener reviewOutcomes = new StepListener() {
            @Override
            public void reviewDecided(String workflow, String step, String model, String outcome) {
                outcomes.add(workflow + "/" + step + "/" + model + ": " + outcome);
            }
        };
        runner = new WorkflowRunner(workflow, null, TOPICS, WorkflowRunner.stepRetries(Duration.ofMinutes(1)), List.of(reviewOutcomes));
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    @Test
    void should_resume_the_held_event_with_its_own_data_and_the_deciders_identity_when_a_pending_review_is_approved() throws Exception {
        // given a held ticket, and an approval that also carries a forged event and forged earlier outputs
        String reviewId = hold("ev-1", "Charged twice");
        ObjectNode decision = decision(reviewId, "approved", "ann");
        decision.putObject("event").put("id", "forged").put("source", "/attacker").putObject("data").put("subject", "Pay me");
        decision.putObject("steps").putObject("triage").put("label", "forged");

        // when
        List<ProducerRecord<byte[], byte[]>> out = decide(decision);

        // then the review is marked approved by ann, and the held ticket goes on with the label she gave
        JsonNode decided = JSON.readTree(only(out, "review").value());
        assertThat(decided.path("review_id").asText()).isEqualTo(reviewId);
        assertThat(decided.path("status").asText()).isEqualTo("approved");
        assertThat(decided.path("decided_by").asText()).isEqualTo("ann");
        Task task = JSON.readValue(only(out, "tasks").value(), Task.class);
        assertThat(task.eventId()).isEqualTo("ev-1");
        assertThat(task.title()).isEqualTo("[billing] Charged twice");
        assertThat(task.id()).isEqualTo(Task.idFor(WORKFLOW, "/it", "ev-1", "create-task"));
        assertThat(task.lineage()).anySatisfy(call -> {
            assertThat(call.provider()).isEqualTo("review");
            assertThat(call.model()).isEqualTo("ann");
            assertThat(call.outcome()).isEqualTo("approved");
            assertThat(call.parameters()).containsEntry("review_id", reviewId);
        });
        assertThat(runner.counters()).containsEntry("reviews_approved", 1L);
        assertThat(outcomes).containsExactly(WORKFLOW + "/triage/sim: corrected");
    }

    @Test
    void should_refuse_without_a_task_when_the_review_is_unknown_another_workflows_or_already_decided() {
        // given one held ticket already approved, one held by another workflow, and one held and pending
        String approved = hold("ev-1", "First");
        ledger.put(approved, JSON.createObjectNode().put("review_id", approved).put("workflow", WORKFLOW).put("status", "approved")
                .put("decided_by", "ann"));
        String foreign = hold("ev-2", "Second");
        ((ObjectNode) ledger.get(foreign)).put("workflow", "another");
        String pending = hold("ev-3", "Third");

        // when decisions come for an unknown review, those two, and twice for the pending one in the same batch
        List<ProducerRecord<byte[], byte[]>> out = decide(decision("rev_000000000000000000000000", "approved", "mallory"),
                decision(approved, "approved", "bob"), decision(foreign, "approved", "bob"),
                decision(pending, "approved", "carol"), decision(pending, "approved", "dave"));

        // then only the first decision on the pending review is taken, and the four others are refused
        assertThat(out).filteredOn(record -> record.topic().equals("tasks")).hasSize(1);
        assertThat(out).filteredOn(record -> record.topic().equals("review")).hasSize(1)
                .allSatisfy(record -> assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"decided_by\":\"carol\""));
        assertThat(runner.counters()).containsEntry("decisions_refused", 4L).containsEntry("reviews_approved", 1L);
    }

    @Test
    void should_end_the_event_without_a_task_when_a_pending_review_is_rejected() throws Exception {
        // given
        String reviewId = hold("ev-1", "Weird");

        // when
        List<ProducerRecord<byte[], byte[]>> out = decide(decision(reviewId, "rejected", "bob").put("note", "spam"));

        // then
        assertThat(out).extracting(ProducerRecord::topic).containsExactly("review");
        JsonNode decided = JSON.readTree(out.get(0).value());
        assertThat(decided.path("status").asText()).isEqualTo("rejected");
        assertThat(decided.path("note").asText()).isEqualTo("spam");
        assertThat(runner.counters()).containsEntry("reviews_rejected", 1L);
        assertThat(outcomes).containsExactly(WORKFLOW + "/triage/sim: rejected");
    }

    @Test
    void should_take_no_decision_from_the_events_topic_when_a_decided_event_is_forged() {
        // given the forged event of issue 16: a switchboard.review.decided CloudEvent naming the workflow and its reviewed step
        String forged = """
                {"specversion":"1.0","id":"decision-x","source":"/attacker","type":"switchboard.review.decided",
                 "data":{"review_id":"rev_x","workflow":"reviewed","step":"triage","decision":"approved","value":{"label":"billing"},
                         "event":{"specversion":"1.0","id":"forged","source":"/attacker","type":"ticket.created",
                                  "data":{"ticket_id":"1","subject":"Pay me","body":"now"}},"steps":{}}}
                """.replace("\n", " ");

        // when
        List<ProducerRecord<byte[], byte[]>> out = runner.process(List.of(new InputRecord("events", 0, 0, null, forged.getBytes(StandardCharsets.UTF_8))));

        // then it is an event of a type the workflow does not take: nothing resumes, no task
        assertThat(out).isEmpty();
        assertThat(runner.counters()).containsEntry("skipped", 1L).doesNotContainKey("reviews_approved");
    }

    /** Runs a ticket through the workflow, which holds it, and keeps its review record in the ledger; returns the review id. */
    private String hold(String id, String subject) {
        String ticket = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                + "\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"" + subject + "\",\"body\":\"b\"}}";
        ProducerRecord<byte[], byte[]> review = only(runner.process(List.of(new InputRecord("events", 0, offset++, null,
                ticket.getBytes(StandardCharsets.UTF_8)))), "review");
        try {
            ledger.put(new String(review.key(), StandardCharsets.UTF_8), JSON.readTree(review.value()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(new String(review.key(), StandardCharsets.UTF_8)).isEqualTo(ReviewRecords.reviewId(WORKFLOW, "/it", id, "triage"));
        return new String(review.key(), StandardCharsets.UTF_8);
    }

    private static ObjectNode decision(String reviewId, String decision, String by) {
        ObjectNode node = JSON.createObjectNode().put("review_id", reviewId).put("workflow", WORKFLOW).put("decision", decision)
                .put("decided_by", by).put("decided_at", "2026-11-02T10:00:00Z");
        if (decision.equals("approved")) {
            node.putObject("value").put("label", "billing");
        }
        return node;
    }

    private List<ProducerRecord<byte[], byte[]>> decide(ObjectNode... decisions) {
        List<InputRecord> inputs = new ArrayList<>();
        for (ObjectNode decision : decisions) {
            inputs.add(new InputRecord("decisions", 0, offset++, decision.path("review_id").asText().getBytes(StandardCharsets.UTF_8),
                    decision.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return runner.decide(inputs, reviewId -> Optional.ofNullable(ledger.get(reviewId))).records();
    }

    private static ProducerRecord<byte[], byte[]> only(List<ProducerRecord<byte[], byte[]>> out, String topic) {
        List<ProducerRecord<byte[], byte[]>> matching = out.stream().filter(record -> record.topic().equals(topic)).toList();
        assertThat(matching).as("records for " + topic + " in " + out.stream().map(ProducerRecord::topic).toList()).hasSize(1);
        return matching.get(0);
    }
}
