package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.logging.LogSettings;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.Engine;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code switchboard} command. Every command and subcommand answers {@code -h/--help}; a
 * command that cannot go on throws a {@link CommandFailure}, printed as its one line.
 */
@Command(name = "switchboard", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "Switchboard 0.1.0",
        description = "Event-driven workflow automation: events from Kafka, LLM steps, tasks to your CRM or webhooks.")
public final class SwitchboardCli implements Runnable {

    /** Exit status for input that is not valid: workflows, configuration, options, environment. */
    public static final int INVALID = 2;
    /** Exit status when a command ran and failed, or a quality bar was not met. */
    public static final int FAILED = 1;

    /** The commands with a class of their own, listed after run, validate, send and demo. */
    private static final List<Class<?>> COMMANDS = List.of(BenchCommand.class, BenchLlmCommand.class, SimulateModelCommand.class,
            AdminCommand.class, ReviewCommand.class, ExplainCommand.class, TrainCommand.class, EvalCommand.class, ReplayCommand.class,
            PromptsCommand.class, ReportCommand.class);

    private final Function<String, String> environment;

    @Spec
    CommandSpec spec;

    SwitchboardCli(Function<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(execute(System::getenv, commandLine(), args));
    }

    /** Runs a command line, after refusing logging settings that logback would silently replace. */
    static int execute(Function<String, String> environment, CommandLine commandLine, String... args) {
        try {
            LogSettings.from(environment);
        } catch (IllegalArgumentException e) {
            commandLine.getErr().println(e.getMessage());
            commandLine.getErr().flush();
            return INVALID;
        }
        int exit = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return exit;
    }

    public static CommandLine commandLine() {
        return commandLine(System::getenv);
    }

    /** The command line, reading environment variables (the admin token) through {@code environment}. */
    static CommandLine commandLine(Function<String, String> environment) {
        CommandLine commandLine = new CommandLine(new SwitchboardCli(environment));
        // picocli adds the method commands in no set order; the help lists them in this one
        for (String name : List.of("run", "validate", "send", "demo")) {
            commandLine.addSubcommand(name, commandLine.getCommandSpec().removeSubcommand(name));
        }
        // each built on its own, as picocli applies a command's model transformer (eval's bars) only then
        COMMANDS.forEach(command -> commandLine.addSubcommand(new CommandLine(command)));
        CommandLine help = new CommandLine(new CommandLine.HelpCommand());
        help.getCommandSpec().usageMessage().header("Shows the help of a command, e.g. switchboard help eval.")
                .description("With no command, shows the help of switchboard itself.");
        return commandLine.addSubcommand(help)
                // wide enough that option descriptions rarely wrap, and wider on a wider terminal
                .setUsageHelpWidth(100)
                .setUsageHelpAutoWidth(true)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, failed, parsed) -> {
                    if (e instanceof CommandFailure failure) {
                        failed.getErr().println(failure.getMessage());
                        return failure.exit();
                    }
                    throw e;
                });
    }

    Function<String, String> environment() {
        return environment;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "run", description = "Runs workflows until stopped (Ctrl-C or SIGTERM).")
    int run(@Mixin ConfigOption config,
            @Parameters(arity = "0..*", paramLabel = "WORKFLOW", description = "Workflow files or folders; added to workflows: of the configuration.")
            List<Path> workflows) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        EngineConfig engineConfig = config.load(err);
        List<Path> paths = new ArrayList<>(engineConfig.workflows());
        paths.addAll(workflows == null ? List.of() : workflows);
        if (paths.isEmpty()) {
            throw CommandFailure.invalid("No workflows: name workflow files or folders, or list them under workflows: in the configuration");
        }
        Engine engine = Engine.builder(engineConfig).build();
        List<Workflow> loaded;
        try {
            loaded = WorkflowFiles.load(engine.loader(), WorkflowFiles.expand(paths), err);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                out.println("Switchboard stopping: in-flight work finishes and its offsets are committed first.");
                out.flush();
                engine.close();
            }
        };
        // SIGTERM and Ctrl-C stop the run below, which then exits 0; the hook covers any other way the JVM ends
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "switchboard-shutdown"));
        StopSignals signals = StopSignals.install();
        try {
            engine.start(loaded);
            out.println("Switchboard running " + loaded.size() + " workflow(s) on Kafka " + engine.bootstrapServers() + ". Stop with Ctrl-C.");
            out.flush();
            signals.await();
        } finally {
            signals.restore();
        }
        stop.run();
        return 0;
    }

    @Command(name = "validate", description = "Checks workflow files and prints every problem with file, line and path; exits 2 when there is any.")
    int validate(@Mixin ConfigOption config,
                 @Parameters(arity = "1..*", paramLabel = "WORKFLOW", description = "Workflow files or folders.") List<Path> workflows)
            throws Exception {
        List<Path> files = WorkflowFiles.expand(workflows);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!config.given()) {
            // Without a configuration, any sink name the workflows use is accepted; the line says so.
            List<Workflow> loaded = WorkflowFiles.load(Validation.lenientLoader(), files, err);
            out.println("OK: " + loaded.size() + " workflow(s) valid (sinks and models not checked: pass --config to check them)");
            return 0;
        }
        // validate sends nothing: a secret missing here is a warning, and everything else is still checked
        EngineConfig engineConfig = config.loadForChecks(err);
        try (ModelRegistry models = new ModelRegistry(engineConfig.models(), engineConfig.aliases())) {
            List<Workflow> loaded = WorkflowFiles.load(Validation.loader(engineConfig, models), files, err);
            out.println("OK: " + loaded.size() + " workflow(s) valid");
            EnglishOnlyNotes.of(loaded, models).forEach(out::println);
        }
        return 0;
    }

    @Command(name = "send", description = "Publishes events from a JSON Lines file (one CloudEvent per line) to a topic.")
    int send(@Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
                     description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).") String bootstrapServers,
             @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", defaultValue = "switchboard.events",
                     description = "Topic to publish to (default: ${DEFAULT-VALUE}).") String topic,
             @Parameters(paramLabel = "FILE", description = "JSON Lines file, or - for standard input.") String file) throws Exception {
        if (!file.equals("-") && !Files.isRegularFile(Path.of(file))) {
            throw CommandFailure.invalid("No file at " + file + ". Name a JSON Lines file, one CloudEvent per line, or - for standard input");
        }
        Reader reader = file.equals("-") ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
        int sent;
        try {
            sent = EventPublisher.publish(bootstrapServers, Map.of(), topic, reader);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw CommandFailure.failed("Kafka at " + bootstrapServers + " did not answer: " + e.getMessage()
                    + ". Check --bootstrap-servers, or start a broker (`switchboard run` prints its address)");
        }
        spec.commandLine().getOut().println("Published " + sent + " events to " + topic);
        return 0;
    }

    @Command(name = "demo", description = "Runs an example end to end on an embedded broker, offline, then prints a summary: `triage` "
            + "(the default: the ticket-triage example with the embedded model); `support` (the support copilot), `sales` (sales-call "
            + "follow-ups) and `finance` (reconciliation of the sample bank statement against the sample invoices, unmatched payments, "
            + "payment reminders), their chat model's answers from the in-process model simulator.")
    int demo(@Mixin WorkFolderOption workFolder,
             @Parameters(index = "0", arity = "0..1", paramLabel = "EXAMPLE", defaultValue = "triage",
                     description = "triage, support, sales or finance (default: ${DEFAULT-VALUE}).") String example,
             @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
                     description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).") int timeoutSeconds) throws Exception {
        if (!List.of("triage", "support", "sales", "finance").contains(example)) {
            throw CommandFailure.invalid("Unknown demo at EXAMPLE: got '" + example + "', expected triage, support, sales or finance. "
                    + "Run `switchboard demo`, or `switchboard demo support`, `sales` or `finance`");
        }
        Path dir = workFolder.fresh();
        if (example.equals("support")) {
            SupportDemoSummary summary = SupportDemo.run(dir.toAbsolutePath(), System.out, Duration.ofSeconds(timeoutSeconds));
            return summary.routes().isEmpty() ? FAILED : 0;
        }
        if (example.equals("sales")) {
            SalesDemo.Summary summary = SalesDemo.run(dir.toAbsolutePath(), System.out, Duration.ofSeconds(timeoutSeconds));
            return summary.nextSteps() > 0 ? 0 : FAILED;
        }
        if (example.equals("finance")) {
            FinanceDemo.Summary summary = FinanceDemo.run(dir.toAbsolutePath(), System.out, Duration.ofSeconds(timeoutSeconds));
            return summary.unmatched() == summary.expectedUnmatched() && summary.paid() + summary.partiallyPaid() == summary.expectedSettlements()
                    ? 0 : FAILED;
        }
        Demo.Summary summary = Demo.run(dir.toAbsolutePath(), System.out, Duration.ofSeconds(timeoutSeconds));
        return summary.tasks() > 0 ? 0 : FAILED;
    }
}
