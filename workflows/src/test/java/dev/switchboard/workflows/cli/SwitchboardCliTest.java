package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The command line as a person meets it: help everywhere, whole sentences, one line with the fix when something is wrong. */
class SwitchboardCliTest {

    private static final Map<String, String> TOKEN = Map.of("SWITCHBOARD_ADMIN_TOKEN", "admin-token");

    record Run(int exit, String out, String err) {
    }

    private static Run cli(Function<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = SwitchboardCli.commandLine(environment).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int exit = SwitchboardCli.execute(environment, commandLine, args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Every command and subcommand, as the words that name it: [], [run], [review, list], ... */
    static Stream<List<String>> commands() {
        List<List<String>> paths = new ArrayList<>();
        collect(SwitchboardCli.commandLine(name -> null), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine commandLine, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        commandLine.getSubcommands().forEach((name, sub) -> {
            List<String> next = new ArrayList<>(path);
            next.add(name);
            collect(sub, next, paths);
        });
    }

    private static CommandSpec spec(List<String> path) {
        CommandLine commandLine = SwitchboardCli.commandLine(name -> null);
        for (String name : path) {
            commandLine = commandLine.getSubcommands().get(name);
        }
        return commandLine.getCommandSpec();
    }

    /** The line the parent's command list shows: the header when there is one, else the description's first element. */
    private static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        return header.length > 0 ? header[0] : spec.usageMessage().description()[0];
    }

    @Test
    void should_list_every_command_when_walking_the_tree() {
        assertThat(commands().map(path -> String.join(" ", path))).contains("", "run", "validate", "send", "demo", "bench", "bench-llm",
                "simulate-model", "admin", "admin workflows", "admin redrive", "review", "review list", "review approve", "train", "eval",
                "replay", "help");
        assertThat(SwitchboardCli.commandLine(name -> null).getSubcommands().keySet()).startsWith("run", "validate", "send", "demo")
                .endsWith("help");
    }

    @ParameterizedTest(name = "switchboard {0} --help")
    @MethodSource("commands")
    void should_print_usage_and_exit_zero_when_any_command_is_asked_for_help(List<String> path) {
        // given
        List<String> args = new ArrayList<>(path);
        args.add("--help");

        // when
        Run run = cli(name -> null, args.toArray(String[]::new));

        // then
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: " + String.join(" ", Stream.concat(Stream.of("switchboard"), path.stream()).toList()));
    }

    @ParameterizedTest(name = "switchboard {0}")
    @MethodSource("commands")
    void should_describe_a_command_in_whole_sentences_when_its_help_is_read(List<String> path) {
        // given
        CommandSpec spec = spec(path);
        List<String> sentences = new ArrayList<>(List.of(spec.usageMessage().header()));
        sentences.addAll(List.of(spec.usageMessage().description()));

        // then every element is a whole sentence or paragraph, not a line of one cut where the array breaks it
        assertThat(sentences).as("header and description of '%s'", spec.qualifiedName()).isNotEmpty()
                .allSatisfy(sentence -> assertThat(sentence).endsWith("."));
    }

    @ParameterizedTest(name = "switchboard {0}")
    @MethodSource("commands")
    void should_show_the_whole_summary_when_the_parent_lists_its_commands(List<String> path) {
        // given
        CommandSpec spec = spec(path);
        if (spec.parent() == null) {
            return;
        }

        // when
        String listing = spec.parent().commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);

        // then the summary is there to its last word, and no wrapped line ends on a stray full stop
        assertThat(listing.replaceAll("\\s+", "")).contains(summary(spec).replaceAll("\\s+", ""));
        assertThat(listing.lines()).noneMatch(line -> line.endsWith(" ."));
    }

    @ParameterizedTest(name = "switchboard {0}")
    @MethodSource("commands")
    void should_break_lines_between_words_only_when_the_help_is_wrapped(List<String> path) {
        // given every text the help of the command shows, as written
        CommandSpec spec = spec(path);
        StringBuilder written = new StringBuilder(String.join(" ", spec.usageMessage().header())).append(' ')
                .append(String.join(" ", spec.usageMessage().description()));
        spec.options().forEach(option -> written.append(' ').append(String.join(" ", option.description())));
        spec.positionalParameters().forEach(parameter -> written.append(' ').append(String.join(" ", parameter.description())));
        String text = written.toString().replace("${DEFAULT-VALUE}", "");

        // when
        List<String> lines = spec.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();

        // then no wrapped line ends inside a word, as ".jsonl" cut after its dot would
        for (int i = 0; i + 1 < lines.size(); i++) {
            String[] before = lines.get(i).trim().split(" ");
            String after = lines.get(i + 1).trim().split(" ")[0];
            String last = before[before.length - 1];
            if (!last.isEmpty() && !after.isEmpty() && lines.get(i + 1).startsWith(" ")) {
                assertThat(text.contains(last + after) && !text.contains(last + " " + after))
                        .as("'%s' cut between lines %d and %d of the help of '%s':%n%s%n%s", last + after, i + 1, i + 2, spec.qualifiedName(),
                                lines.get(i), lines.get(i + 1))
                        .isFalse();
            }
        }
    }

    @Test
    void should_refuse_an_unknown_log_format_before_running_any_command() {
        // when
        Run run = cli(Map.of("SWITCHBOARD_LOG_FORMAT", "xml")::get, "--version");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualToIgnoringNewLines("Unknown log format at SWITCHBOARD_LOG_FORMAT: got 'xml', expected text or json."
                + " Set it to json for one JSON object per line, or unset it for text");
    }

    @Test
    void should_run_the_command_when_the_log_settings_are_known_in_any_case() {
        // when
        Run run = cli(Map.of("SWITCHBOARD_LOG_FORMAT", "JSON", "SWITCHBOARD_LOG_LEVEL", "Info")::get, "--version");

        // then
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Switchboard");
    }

    @Test
    void should_print_one_line_with_the_fix_when_the_engine_cannot_be_reached() throws IOException {
        // given a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        // when
        Run run = cli(TOKEN::get, "admin", "workflows", "--url", "http://127.0.0.1:" + port);

        // then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("Cannot reach the engine at http://127.0.0.1:" + port + ": connection refused.")
                .contains("--url").doesNotContain("Exception");
    }

    @Test
    void should_say_which_variable_to_set_when_the_admin_token_is_missing() {
        // when
        Run run = cli(name -> null, "admin", "workflows");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString().startsWith("Set SWITCHBOARD_ADMIN_TOKEN to the engine's admin token");
    }

    @Test
    void should_refuse_a_record_that_is_not_partition_and_offset_when_redriving() {
        // when
        Run run = cli(TOKEN::get, "admin", "redrive", "0:12", "twelve");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid record: got 'twelve', expected partition:offset, e.g. 0:12");
    }

    @Test
    void should_align_every_column_when_review_list_shows_values_of_different_lengths() throws IOException {
        // given an engine whose admin API holds two reviews, one with much longer values
        HttpServer engine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] reviews = """
                [{"review_id": "rev_1", "workflow": "triage", "step": "classify", "held_at": "2026-11-28T09:00:00Z", "reason": "low confidence"},
                 {"review_id": "rev_000000000000000000000002", "workflow": "zendesk-ticket-triage-with-a-long-name", "step": "classify-intent-of-the-ticket",
                  "held_at": "2026-11-28T09:00:00.123456789Z", "reason": "every model below min_confidence"}]
                """.getBytes(StandardCharsets.UTF_8);
        engine.createContext("/admin/reviews", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reviews.length);
            exchange.getResponseBody().write(reviews);
            exchange.close();
        });
        engine.start();
        try {
            // when
            Run run = cli(TOKEN::get, "review", "list", "--url", "http://127.0.0.1:" + engine.getAddress().getPort());

            // then each column starts at the same place on every line
            assertThat(run.exit()).as(run.err()).isZero();
            List<String> lines = run.out().lines().toList();
            String header = lines.get(0);
            for (String column : List.of("WORKFLOW", "STEP", "HELD AT", "REASON")) {
                int at = header.indexOf(column);
                assertThat(lines.subList(1, 3)).as(column).allSatisfy(line -> {
                    assertThat(line.charAt(at - 1)).isEqualTo(' ');
                    assertThat(line.charAt(at)).isNotEqualTo(' ');
                    assertThat(line.charAt(at - 2)).isEqualTo(' ');
                });
            }
            assertThat(lines.get(2)).contains("zendesk-ticket-triage-with-a-long-name  classify-intent-of-the-ticket  2026-11-28T09:00:00.123456789Z");
            assertThat(lines.get(3)).startsWith("2 pending.");
        } finally {
            engine.stop(0);
        }
    }

    @Test
    void should_refuse_a_missing_file_when_sending_events() {
        // when
        Run run = cli(name -> null, "send", "nowhere.jsonl");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("No file at nowhere.jsonl.");
    }

    @Test
    void should_name_the_demos_there_are_when_an_unknown_one_is_asked_for() {
        // when
        Run run = cli(name -> null, "demo", "hr-copilot");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Unknown demo at EXAMPLE: got 'hr-copilot', expected triage, support or finance.");
    }

    @Test
    void should_refuse_an_answer_key_that_is_no_pattern_when_simulating_a_model() {
        // when
        Run run = cli(name -> null, "simulate-model", "--port", "0", "--answers", "nowhere.jsonl", "--answer-key", "Ticket (");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid --answer-key: got 'Ticket (', expected a regular expression with a group");
    }

    @Test
    void should_refuse_an_answer_key_without_a_group_when_simulating_a_model() {
        // when
        Run run = cli(name -> null, "simulate-model", "--port", "0", "--answers", "nowhere.jsonl", "--answer-key", "Ticket [0-9]+");

        // then the key could never be taken from a request
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid --answer-key: got 'Ticket [0-9]+', expected a regular expression with a group");
    }

    @Test
    void should_refuse_a_missing_answers_file_when_simulating_a_model() {
        // when
        Run run = cli(name -> null, "simulate-model", "--port", "0", "--answers", "nowhere.jsonl");

        // then the simulator never starts
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("No file at --answers nowhere.jsonl. Name a JSON Lines file of canned answers");
    }
}
