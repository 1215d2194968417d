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
    void should_reject_what_an_event_and_the_steps_do_not_have_with_lines() throws Exception {
        // given a template reading a path ticket.created has not, a misspelt output and a label the step does not declare
        Path workflow = Files.writeString(dir.resolve("wf.yaml"), """
                name: github-triage
                on:
                  types: [ticket.created]
                steps:
                  - id: kind
                    classify:
                      input: "{{ event.data.issue.title }}"
                      labels:
                        bug: Something is broken
                        feature: A wish
                  - id: file
                    when: "steps.kind.label == 'bugs'"
                    task:
                      sink: queue
                      title: "[{{ steps.kind.lable }}] {{ event.data.subject }}"
                """);

        // when
        int exit = validate(workflow.toString());

        // then
        assertThat(exit).isEqualTo(SwitchboardCli.INVALID);
        assertThat(err.toString().lines().toList()).containsExactly(
                workflow + ":7: Unknown field 'issue' in '{{ event.data.issue.title }}' at steps[0].classify.input: expected one of the fields"
                        + " of event.data (ticket.created) [body, channel, priority, requester, subject, tags, ticket_id, url]",
                workflow + ":12: Unknown label 'bugs' compared with steps.kind.label at steps[1].when: got 'bugs', expected one of [bug, feature];"
                        + " did you mean 'bug'?",
                workflow + ":15: Unknown field 'lable' in '{{ steps.kind.lable }}' at steps[1].task.title: expected one of the fields of steps.kind"
                        + " [confidence, fallbacks, injection_reason, injection_suspected, label, model, prompt_id, prompt_version]; did you mean 'label'?");
    }

    @Test
    void should_not_print_what_is_in_a_file_that_does_not_parse() throws Exception {
        // given an examples file that holds a secret and is not YAML
        Files.writeString(dir.resolve("token.yaml"), "openai: {api_key: sk-live-SECRET-9c2\n");
        Path workflow = Files.writeString(dir.resolve("wf.yaml"), """
                name: triage
                on:
                  types: [ticket.created]
                steps:
                  - id: kind
                    classify:
                      input: "{{ event.data.subject }}"
                      labels: {billing: Invoices, bug: Crashes}
                      examples_file: token.yaml
                """);

        // when
        int exit = validate(workflow.toString());

        // then the problem says where and why, never what
        assertThat(exit).isEqualTo(SwitchboardCli.INVALID);
        assertThat(err.toString()).contains("wf.yaml:9: Unreadable file at steps[0].classify.examples_file")
                .contains("it is not valid YAML").doesNotContain("SECRET").doesNotContain("sk-live");
    }

    /** A source whose signing secret names a variable that is not set here. */
    private static final String CONFIG_WITH_UNSET_SECRET = """
            sources:
              tickets:
                zendesk:
                  auth: {secret_env: SWITCHBOARD_TEST_SECRET_THAT_IS_NOT_SET}
            sinks:
              queue:
                jsonl: {path: tasks.jsonl}
            """;

    @Test
    void should_warn_of_a_missing_secret_and_go_on_checking_when_validating() throws Exception {
        // given a configuration whose webhook secret is not in the environment, and a workflow naming an unknown sink
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), CONFIG_WITH_UNSET_SECRET);
        Path workflow = Files.writeString(dir.resolve("wf.yaml"), """
                name: triage
                on:
                  types: [ticket.created]
                steps:
                  - id: file
                    task:
                      sink: crm
                      title: "{{ event.data.subject }}"
                """);

        // when
        int exit = validate("--config", config.toString(), workflow.toString());

        // then the secret is a warning, and the workflow was still checked
        assertThat(err.toString()).contains("switchboard.yaml:4: warning: Missing secret at sources.tickets.zendesk.auth.secret_env: "
                + "environment variable 'SWITCHBOARD_TEST_SECRET_THAT_IS_NOT_SET' is not set");
        assertThat(err.toString()).contains("wf.yaml:7: Unknown sink");
        assertThat(exit).isEqualTo(SwitchboardCli.INVALID);
    }

    @Test
    void should_exit_zero_when_the_only_problem_is_a_missing_secret() throws Exception {
        // given
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), CONFIG_WITH_UNSET_SECRET);
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
        assertThat(err.toString()).contains("warning: Missing secret at sources.tickets.zendesk.auth.secret_env");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("OK: 1 workflow(s) valid");
    }

    @Test
    void should_refuse_to_run_when_a_secret_is_missing() throws Exception {
        // given
        Path config = Files.writeString(dir.resolve("switchboard.yaml"), CONFIG_WITH_UNSET_SECRET);

        // when
        CommandLine cli = SwitchboardCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("run", "--config", config.toString());

        // then it is an error, before anything starts
        assertThat(exit).isEqualTo(SwitchboardCli.INVALID);
        assertThat(err.toString()).contains("switchboard.yaml:4: Missing secret at sources.tickets.zendesk.auth.secret_env")
                .doesNotContain("warning");
        assertThat(out.toString()).doesNotContain("running");
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
