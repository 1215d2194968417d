package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.Problem;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code switchboard} command. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "Switchboard 0.1.0",
        description = "Event-driven workflow automation: events from Kafka, LLM steps, tasks to your CRM or webhooks.",
        subcommands = {SwitchboardCli.Run.class, SwitchboardCli.Validate.class, SwitchboardCli.Send.class,
                SwitchboardCli.DemoCommand.class, BenchCommand.class, BenchLlmCommand.class, SimulateModelCommand.class, AdminCommand.class,
                ReviewCommand.class, TrainCommand.class, EvalCommand.class, ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class SwitchboardCli implements Runnable {

    /** Exit code for invalid input files (workflows, configuration). */
    public static final int INVALID = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new SwitchboardCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configuration for a command that runs or sends: a secret missing from the environment is an error. */
    static EngineConfig loadConfig(Path file, PrintWriter err) {
        return loadConfig(file, err, EngineConfigLoader.standard());
    }

    /**
     * The configuration for a command that only checks and sends nothing ({@code validate}, {@code eval}): a secret
     * missing from the environment is a warning, and everything else is still checked.
     */
    static EngineConfig loadConfigForChecks(Path file, PrintWriter err) {
        return loadConfig(file, err, EngineConfigLoader.standard().forChecks());
    }

    private static EngineConfig loadConfig(Path file, PrintWriter err, EngineConfigLoader loader) {
        if (file == null) {
            return EngineConfig.defaults(Path.of("").toAbsolutePath());
        }
        EngineConfigLoader.Result result = loader.load(file);
        print(err, result.problems(), result.warnings());
        return result.ok() ? result.config() : null;
    }

    /** Errors and warnings in the order of the files and lines they are at. */
    static void print(PrintWriter err, List<Problem> problems, List<Problem> warnings) {
        List<Problem> all = new ArrayList<>(problems);
        all.addAll(warnings);
        all.sort(Problem.BY_POSITION);
        all.forEach(problem -> err.println(problem));
    }

    /** Workflow files named directly, or every *.yaml / *.yml in named folders. */
    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> list = Files.list(path)) {
                    list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                            .filter(p -> !p.getFileName().toString().equals("switchboard.yaml"))
                            .sorted().forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    static List<Workflow> loadWorkflows(WorkflowLoader loader, List<Path> files, PrintWriter err) {
        List<Workflow> workflows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        for (Path file : files) {
            WorkflowLoader.Result result = loader.load(file);
            problems.addAll(result.problems());
            warnings.addAll(result.warnings());
            if (result.ok()) {
                workflows.add(result.workflow());
            }
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Workflow workflow : workflows) {
            if (!names.add(workflow.name())) {
                problems.add(new Problem(workflow.file().toString(), 1, "name", "Duplicate workflow name '" + workflow.name()
                        + "': names must be unique, they name consumer groups. Rename one"));
            }
        }
        print(err, problems, warnings);
        return problems.isEmpty() ? workflows : null;
    }

    @Command(name = "run", description = "Runs workflows until stopped (Ctrl-C or SIGTERM).")
    static final class Run implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Engine configuration (switchboard.yaml).")
        Path config;

        @Parameters(arity = "0..*", description = "Workflow files or folders; adds to `workflows:` of the configuration.")
        List<Path> workflows = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            EngineConfig engineConfig = loadConfig(config, err);
            if (engineConfig == null) {
                return INVALID;
            }
            List<Path> paths = new ArrayList<>(engineConfig.workflows());
            paths.addAll(workflows);
            if (paths.isEmpty()) {
                err.println("No workflows: name workflow files or folders, or list them under workflows: in the configuration");
                return INVALID;
            }
            Engine engine = Engine.builder(engineConfig).build();
            List<Workflow> loaded = loadWorkflows(engine.loader(), expand(paths), err);
            if (loaded == null) {
                engine.close();
                return INVALID;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                engine.close();
                stopped.countDown();
            }, "switchboard-shutdown"));
            engine.start(loaded);
            spec.commandLine().getOut().println("Switchboard running " + loaded.size() + " workflow(s) on Kafka "
                    + engine.bootstrapServers() + ". Stop with Ctrl-C.");
            spec.commandLine().getOut().flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "validate", description = "Checks workflow files and prints every problem with file, line and path; exits 2 when there is any.")
    static final class Validate implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Engine configuration, to check sink and model names against.")
        Path config;

        @Parameters(arity = "1..*", description = "Workflow files or folders.")
        List<Path> workflows;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            EngineConfig engineConfig = loadConfigForChecks(config, err);
            if (engineConfig == null) {
                return INVALID;
            }
            if (config == null) {
                // Without a configuration, accept any sink name the workflows use; say so.
                engineConfig = null;
            }
            List<Path> files = expand(workflows);
            List<Workflow> loaded;
            if (engineConfig == null) {
                loaded = loadWorkflows(Validation.lenientLoader(), files, err);
            } else {
                try (ModelRegistry models = new ModelRegistry(engineConfig.models(), engineConfig.aliases())) {
                    loaded = loadWorkflows(Validation.loader(engineConfig, models), files, err);
                }
            }
            if (loaded == null) {
                return INVALID;
            }
            spec.commandLine().getOut().println("OK: " + loaded.size() + " workflow(s) valid"
                    + (config == null ? " (sinks and models not checked: pass --config to check them)" : ""));
            return 0;
        }
    }

    @Command(name = "send", description = "Publishes events from a JSON Lines file (one CloudEvent per line) to a topic.")
    static final class Send implements Callable<Integer> {
        @Option(names = {"-b", "--bootstrap-servers"}, description = "Kafka bootstrap servers.", defaultValue = "127.0.0.1:9092")
        String bootstrapServers;

        @Option(names = {"-t", "--topic"}, description = "Topic to publish to.", defaultValue = "switchboard.events")
        String topic;

        @Parameters(index = "0", description = "JSON Lines file, or - for standard input.")
        String file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var reader = file.equals("-")
                    ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                    : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
            int sent = EventPublisher.publish(bootstrapServers, Map.of(), topic, reader);
            spec.commandLine().getOut().println("Published " + sent + " events to " + topic);
            return 0;
        }
    }

    @Command(name = "demo", description = "Runs the ticket-triage example end to end on an embedded broker and the embedded model, then prints a summary.")
    static final class DemoCommand implements Callable<Integer> {
        @Option(names = "--dir", description = "Working folder for broker data and the tasks file.", defaultValue = "out/demo")
        Path dir;

        @Option(names = "--timeout", description = "Give up after this many seconds.", defaultValue = "300")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            Files.createDirectories(dir);
            Demo.Summary summary = Demo.run(dir.toAbsolutePath(), System.out, Duration.ofSeconds(timeoutSeconds));
            return summary.tasks() > 0 ? 0 : 1;
        }
    }
}
