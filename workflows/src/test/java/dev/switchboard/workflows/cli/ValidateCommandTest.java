package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void should_check_sinks_and_models_against_the_configuration_when_one_is_given() throws Exception {
        // given a configuration with one sink and a workflow naming another, and a model nobody declared
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), """
                sinks:
                  queue:
                    jsonl: {path: tasks.jsonl}
                """);
        Path workflow = Files.writeString(dir.resolve("wf.yaml"), """
                name: triage
                on:
                  types: [ticket.created]
                steps:
                  - id: label
                    classify:
                      model: nowhere
                      input: "{{ event.data.subject }}"
                      labels:
                        bug: Something is broken
                        billing: A question about an invoice
                  - id: file
                    task:
                      sink: crm
                      title: "{{ event.data.subject }}"
                """);

        // when
        int exit = validate("--config", config.toString(), workflow.toString());

        // then both are reported
        assertThat(exit).isEqualTo(SwitchboardCli.INVALID);
        assertThat(err.toString()).contains("crm", "nowhere");
    }

    @Test
    void should_accept_a_workflow_when_its_sink_is_configured() throws Exception {
        // given
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), """
                sinks:
                  queue:
                    jsonl: {path: tasks.jsonl}
                """);
        Path workflow = Files.writeString(dir.resolve("wf.yaml"), """
                name: triage
                on:
                  types: [ticket.created]
                steps:
                  - id: file
                    task:
                      sink: queue
                      title: "{{ event.data.subject }}"
                """);

        // when
        int exit = validate("--config", config.toString(), workflow.toString());

        // then
        assertThat(err.toString()).isEmpty();
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("OK: 1 workflow(s) valid");
    }

    @Test
    void should_warn_that_the_model_reads_english_when_a_classify_step_runs_in_process() throws Exception {
        // given a valid workflow whose classify step runs on the in-process encoder, and one on a chat model
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), """
                models:
                  chat: {base_url: "http://127.0.0.1:9/v1", model: qwen2.5-7b-instruct}
                """);
        Path workflow = Files.writeString(dir.resolve("wf.yaml"), """
                name: triage
                on:
                  types: [ticket.created]
                steps:
                  - id: local
                    classify:
                      model: embedded
                      input: "{{ event.data.subject }}"
                      labels:
                        bug: Something is broken
                        billing: A question about an invoice
                  - id: remote
                    classify:
                      model: chat
                      input: "{{ event.data.subject }}"
                      labels:
                        bug: Something is broken
                        billing: A question about an invoice
                """);

        // when
        int exit = validate("--config", config.toString(), workflow.toString());

        // then it is valid, with one warning, on the in-process step only
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("OK: 1 workflow(s) valid")
                .contains("Warning: " + workflow + ":5 steps[0].classify.model: 'embedded' runs the in-process encoder all-minilm-l6-v2-q, an English model")
                .contains("through a chat model")
                .doesNotContain("steps[1]");
    }

    private int validate(String... args) {
        CommandLine cli = SwitchboardCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "validate";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }
}
