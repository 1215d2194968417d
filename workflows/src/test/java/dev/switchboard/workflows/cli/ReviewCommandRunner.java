package dev.switchboard.workflows.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;

/** Runs {@code switchboard review ...} in-process with its own environment, capturing what it prints. */
public final class ReviewCommandRunner {

    /** What one run printed and returned. */
    public record Run(int exit, String out, String err) {
    }

    private final Function<String, String> environment;

    public ReviewCommandRunner(Function<String, String> environment) {
        this.environment = environment;
    }

    /** {@code review <subcommand> <connection...> <args...>}. */
    public Run run(String subcommand, String[] connection, String... args) {
        List<String> line = new ArrayList<>();
        line.add("review");
        line.add(subcommand);
        line.addAll(List.of(connection));
        line.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = SwitchboardCli.commandLine(environment)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int exit = command.execute(line.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
