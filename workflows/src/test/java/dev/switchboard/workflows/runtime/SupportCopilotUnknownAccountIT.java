package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.CannedAnswers;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped support copilot on tickets from senders the CRM does not know (a new customer, a
 * personal address): the tickets its policy leaves to an agent still become private notes, saying the
 * account was not found, instead of dead letters. The tickets are the sample's, the model is the
 * simulator answering the sample's recorded answers, and the CRM finds no account for anyone.
 */
class SupportCopilotUnknownAccountIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = new Topics("tasks", "dlq", "deliveries", "review", "audit", "decisions");
    private static final Path EXAMPLES = Path.of("examples");

    @TempDir
    Path dir;

    @Test
    void should_leave_a_note_for_an_agent_when_the_ticket_s_sender_has_no_account_in_the_crm() throws Exception {
        // given the tickets the sample routes to an agent, and a CRM that knows none of their senders
        Set<String> toAgents = Files.readAllLines(EXAMPLES.resolve("data/support-tickets.expected.jsonl")).stream()
                .map(SupportCopilotUnknownAccountIT::json).filter(row -> row.path("route").asText().equals("agent_note"))
                .map(row -> row.path("id").asText()).collect(Collectors.toSet());
        List<InputRecord> batch = new ArrayList<>();
        for (String line : Files.readAllLines(EXAMPLES.resolve("data/support-tickets.jsonl"))) {
            if (toAgents.contains(json(line).path("id").asText())) {
                batch.add(new InputRecord("events", 0, batch.size(), null, line.getBytes(StandardCharsets.UTF_8), null));
            }
        }
        assertThat(batch).hasSize(toAgents.size()).isNotEmpty();
        CannedAnswers canned;
        try (Reader fixture = Files.newBufferedReader(EXAMPLES.resolve("data/support-tickets.model-answers.jsonl"))) {
            canned = CannedAnswers.read(fixture, Pattern.compile("Ticket ([A-Za-z0-9-]+):"));
        }
        try (ModelSimulator model = ModelSimulator.start().answers(canned)) {
            EngineConfig config = EngineConfigLoader.standard().parse("config", """
                    models:
                      fast: {base_url: "%s", model: qwen2.5-7b-instruct, retries: 0}
                    sinks:
                      zendesk-replies: {jsonl: {path: zendesk.jsonl}}
                      freshdesk-replies: {jsonl: {path: freshdesk.jsonl}}
                      mail-replies: {jsonl: {path: mail.jsonl}}
                      support-queue: {jsonl: {path: queue.jsonl}}
                    files:
                      allowed_dirs: ["%s"]
                    """.formatted(model.baseUrl(), EXAMPLES.toAbsolutePath()), dir).config();
            CrmLookup nobody = (entity, by, key) -> Optional.empty();
            try (ModelRegistry models = new ModelRegistry(config.models(), config.aliases())) {
                EngineStepEnvironment environment = new EngineStepEnvironment(config, models, nobody);
                Path file = EXAMPLES.resolve("support-copilot.yaml");
                WorkflowLoader.Result loaded = new WorkflowLoader(StepTypes.installed(), folder -> environment)
                        .parse(file.toString(), Files.readString(file), EXAMPLES, file);
                assertThat(loaded.problems()).isEmpty();

                // when they arrive
                List<ProducerRecord<byte[], byte[]>> out;
                try (WorkflowRunner runner = new WorkflowRunner(loaded.workflow(), environment, TOPICS,
                        new Retries(WorkflowRunner.STEP_RETRIES, Duration.ofMinutes(1), new FakeTimer()), List.of())) {
                    out = runner.process(batch);
                }

                // then none is dead-lettered, and each is a private note for an agent that says the account was not found
                assertThat(out).filteredOn(record -> record.topic().equals("dlq"))
                        .extracting(record -> new String(record.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                        .isEmpty();
                List<Task> tasks = new ArrayList<>();
                for (ProducerRecord<byte[], byte[]> record : out) {
                    if (record.topic().equals("tasks")) {
                        tasks.add(JSON.readValue(record.value(), Task.class));
                    }
                }
                assertThat(tasks).extracting(Task::eventId).containsExactlyInAnyOrderElementsOf(toAgents);
                assertThat(tasks).allSatisfy(task -> {
                    assertThat(task.fields()).containsEntry("route", "agent_note");
                    assertThat(task.body()).contains("Account: not found in the CRM");
                    assertThat(task.owner()).isNull();
                });
            }
        }
    }

    /** One JSON line of a sample file. */
    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
