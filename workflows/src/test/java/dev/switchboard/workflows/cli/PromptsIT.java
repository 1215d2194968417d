package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TopicRecords;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The engine records the text of each prompt version once on the compacted prompts topic, and {@code switchboard prompts}
 * prints the text behind the version an audit record carries, lists the versions and compares two of them.
 */
@ExtendWith(SharedKafka.class)
class PromptsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    @Test
    void should_print_the_prompt_behind_an_audit_records_version_when_the_engine_has_recorded_it(SharedKafka.Bootstrap kafka) throws Exception {
        // given two workflows, one with the bundled classify prompt and one with its own prompt_file
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String promptsTopic = "prompts.prompts." + suffix;
        String auditTopic = "prompts.audit." + suffix;
        Files.writeString(dir.resolve("mine.md"), "Sort the ticket into one of:\n{{labels}}\n{{examples}}\nAnswer in JSON.\n");
        try (ModelSimulator model = ModelSimulator.start().answers(request -> ModelSimulator.answer("billing", 0.9))) {
            try (Engine engine = engine(kafka, suffix, model, promptsTopic, auditTopic)) {
                // when an event is classified
                EventPublisher.publish(kafka.servers(), Map.of(), "prompts.events." + suffix, new StringReader(
                        "{\"specversion\":\"1.0\",\"id\":\"p1\",\"source\":\"/it\",\"type\":\"ticket.created\",\"data\":{\"ticket_id\":\"p1\",\"subject\":\"S\",\"body\":\"My invoice\"}}\n"));
                await().atMost(Duration.ofSeconds(60)).until(() -> !TopicRecords.all(kafka.servers(), auditTopic).isEmpty());
            }
            // and the engine starts again with the same workflows
            engine(kafka, suffix, model, promptsTopic, auditTopic).close();
        }
        JsonNode audit = JSON.readTree(TopicRecords.all(kafka.servers(), auditTopic).get(0).value());
        String version = audit.path("prompt_version").asText();
        String[] connection = {"-b", kafka.servers(), "--topic", promptsTopic};

        // then the topic is compacted and holds each version once, though the engine started twice
        assertThat(TopicRecords.all(kafka.servers(), promptsTopic)).hasSize(2);
        assertThat(cleanupPolicy(kafka.servers(), promptsTopic)).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);

        // and show prints the text behind the audit record's version
        Run show = run("show", connection, version);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).startsWith("# " + version + "  classify/triage  (workflow bundled-" + suffix
                        + ", template bundled:prompts/classify.system.md)")
                .contains("You are a text classifier.", "- billing: Invoices and payments\n- bug: Something is broken", "<text>\n{{text}}\n</text>");

        // and list names both versions, and diff shows what the workflow's own prompt changed
        Run list = run("list", connection);
        String mine = TopicRecords.all(kafka.servers(), promptsTopic).stream().map(record -> new String(record.key()))
                .filter(key -> !key.equals(version)).findFirst().orElseThrow();
        assertThat(list.out()).contains(version, mine, "bundled-" + suffix, "own-" + suffix, "mine.md", "2 version(s)");
        Run diff = run("diff", connection, version, mine);
        assertThat(diff.out()).contains("--- " + version + " (classify/triage)", "+++ " + mine, "-You are a text classifier.",
                "+Sort the ticket into one of:");

        // and an unknown version fails with how to find one
        Run unknown = run("show", connection, "pv-000000000000");
        assertThat(unknown.exit()).isEqualTo(SwitchboardCli.FAILED);
        assertThat(unknown.err()).contains("Unknown prompt version 'pv-000000000000'", "switchboard prompts list");
    }

    @Test
    void should_print_the_judges_prompt_when_eval_has_recorded_it(SharedKafka.Bootstrap kafka) throws Exception {
        // given a summarize step, a judge and a configuration whose prompts topic is on the broker
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String promptsTopic = "prompts.judge." + suffix;
        try (ModelSimulator model = ModelSimulator.start().answers(request -> request.system().startsWith("You grade")
                ? "{\"faithful\": {\"score\": 4, \"reason\": \"fine\"}}" : "{\"summary\": \"A demo next week.\"}")) {
            Files.writeString(dir.resolve("switchboard.yaml"), """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      prompts: %s
                    models:
                      sim:
                        base_url: %s
                        model: qwen2.5-7b-instruct
                        retries: 0
                    """.formatted(kafka.servers(), promptsTopic, model.baseUrl()));
            Files.writeString(dir.resolve("calls.yaml"), """
                    name: calls
                    on:
                      types: [call.test]
                    steps:
                      - id: notes
                        summarize:
                          input: "{{ event.data.text }}"
                          model: sim
                          injection: "off"
                    """);
            Files.writeString(dir.resolve("calls.jsonl"), "{\"text\": \"CALL-1: the customer asked for a demo next week\"}\n");
            Files.writeString(dir.resolve("rubric.yaml"), "criteria:\n  - name: faithful\n    description: Says only what the call said.\n");
            String[] eval = {"eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(), "--judge", "sim",
                "--rubric", dir.resolve("rubric.yaml").toString(), "--record-prompt", "--out", dir.resolve("reports").toString()};

            // when eval runs twice with --record-prompt
            Run first = cli(eval);
            Run second = cli(eval);

            // then the judge's version is on the topic once, and show prints the text the judge was sent
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(second.exit()).as(second.err()).isZero();
            JsonNode judged = JSON.readTree(dir.resolve("reports/report.json").toFile()).path("models").get(0).path("judge").path("prompt");
            String version = judged.path("version").asText();
            assertThat(version).startsWith("judge-");
            assertThat(first.out()).contains("The judge's prompt " + version + " is now on " + promptsTopic);
            assertThat(second.out()).contains("The judge's prompt " + version + " was already on " + promptsTopic);
            assertThat(TopicRecords.all(kafka.servers(), promptsTopic)).hasSize(1);
            Run show = run("show", new String[] {"-b", kafka.servers(), "--topic", promptsTopic}, version);
            assertThat(show.exit()).as(show.err()).isZero();
            String sent = model.requests().stream().map(ModelSimulator.Request::system).filter(system -> system.startsWith("You grade"))
                    .findFirst().orElseThrow();
            assertThat(show.out()).isEqualTo("# " + version + "  eval/judge  (workflow calls, template bundled:prompts/judge.system.md)\n"
                    + sent + "\n");
        }
    }

    private Engine engine(SharedKafka.Bootstrap kafka, String suffix, ModelSimulator model, String promptsTopic, String auditTopic)
            throws Exception {
        String workflow = """
                name: %s-%s
                on:
                  topic: prompts.events.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.body }}"
                      model: sim
                      labels:
                        billing: Invoices and payments
                        bug: Something is broken
                %s""";
        Files.writeString(dir.resolve("bundled.yaml"), workflow.formatted("bundled", suffix, suffix, ""));
        Files.writeString(dir.resolve("own.yaml"), workflow.formatted("own", suffix, suffix + ".own", "      prompt_file: mine.md\n"));
        var config = EngineConfigLoader.standard().parse("it.yaml", """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: prompts.tasks.%s
                  dead_letter: prompts.dlq.%s
                  deliveries: prompts.deliveries.%s
                  review: prompts.review.%s
                  audit: %s
                  prompts: %s
                models:
                  sim:
                    base_url: %s
                    model: qwen2.5-7b-instruct
                    retries: 0
                http:
                  port: -1
                """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, auditTopic, promptsTopic, model.baseUrl()), dir);
        assertThat(config.problems()).isEmpty();
        Engine engine = Engine.builder(config.config()).secrets(name -> Optional.empty()).build();
        List<Workflow> workflows = new ArrayList<>();
        for (String file : List.of("bundled.yaml", "own.yaml")) {
            WorkflowLoader.Result loaded = engine.loader().load(dir.resolve(file));
            assertThat(loaded.problems()).isEmpty();
            workflows.add(loaded.workflow());
        }
        engine.start(workflows);
        return engine;
    }

    private static String cleanupPolicy(String servers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        }
    }

    private static Run run(String subcommand, String[] connection, String... args) {
        List<String> line = new ArrayList<>(List.of("prompts", subcommand));
        line.addAll(List.of(connection));
        line.addAll(List.of(args));
        return cli(line.toArray(String[]::new));
    }

    private static Run cli(String... line) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = SwitchboardCli.commandLine(name -> null).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int exit = command.execute(line);
        return new Run(exit, out.toString(), err.toString());
    }
}
