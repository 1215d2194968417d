package dev.switchboard.workflows.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.prompts.PromptLedger;
import dev.switchboard.workflows.prompts.RecordedPrompt;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code switchboard prompts list|show|diff}: the text behind the prompt versions on outputs and audit records. */
@Command(name = "prompts", header = "Lists, shows and compares the prompt versions the workflows have sent.",
        description = {"Every model step's prompt has a version, its content hash, carried as prompt_version by the step's output and "
                + "each audit record. The engine records the text of each version once, at start, on the prompts topic "
                + "(topics.prompts, compacted), and `switchboard eval --judge --record-prompt` records its judge's; these commands read it there.",
            "Exits 1 when a version is not on the topic, 2 on invalid input."})
final class PromptsCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    TopicReadOptions kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", scope = ScopeType.INHERIT,
            description = "The prompts topic: topics.prompts of --config, else switchboard.prompts.")
    String topic;

    @Command(name = "list", description = "Lists the recorded prompt versions, oldest first: version, step, workflow, template.")
    int list() {
        Map<String, RecordedPrompt> prompts = read();
        PrintWriter out = spec.commandLine().getOut();
        if (prompts.isEmpty()) {
            out.println("No prompt versions recorded yet: the engine records them when it starts its workflows.");
            return 0;
        }
        TextTable table = new TextTable("VERSION", "PROMPT", "WORKFLOW", "TEMPLATE");
        prompts.values().forEach(prompt -> table.row(prompt.version(), prompt.promptId(), prompt.workflow(), prompt.source()));
        table.print(out);
        out.println(prompts.size() + " version(s). `switchboard prompts show <version>` prints one.");
        return 0;
    }

    @Command(name = "show", description = "Prints the text behind a prompt version, e.g. the prompt_version of an audit record.")
    int show(@Parameters(paramLabel = "VERSION", description = "The prompt version (pv-...).") String version) {
        RecordedPrompt prompt = find(read(), version);
        PrintWriter out = spec.commandLine().getOut();
        out.println("# " + prompt.version() + "  " + prompt.promptId() + "  (workflow " + prompt.workflow() + ", template " + prompt.source() + ")");
        out.println(prompt.text());
        return 0;
    }

    @Command(name = "diff", description = "Shows what changed from one prompt version to another, as a unified diff.")
    int diff(@Parameters(index = "0", paramLabel = "OLD", description = "The earlier version.") String from,
             @Parameters(index = "1", paramLabel = "NEW", description = "The later version.") String to) {
        Map<String, RecordedPrompt> prompts = read();
        RecordedPrompt before = find(prompts, from);
        RecordedPrompt after = find(prompts, to);
        List<String> beforeLines = before.text().lines().toList();
        List<String> afterLines = after.text().lines().toList();
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(before.version() + " (" + before.promptId() + ")",
                after.version() + " (" + after.promptId() + ")", beforeLines, DiffUtils.diff(beforeLines, afterLines), 3);
        PrintWriter out = spec.commandLine().getOut();
        if (diff.isEmpty()) {
            out.println("The texts of " + from + " and " + to + " are the same.");
        }
        diff.forEach(out::println);
        return 0;
    }

    private static RecordedPrompt find(Map<String, RecordedPrompt> prompts, String version) {
        RecordedPrompt prompt = prompts.get(version);
        if (prompt == null) {
            throw CommandFailure.failed("Unknown prompt version '" + version + "': the prompts topic holds " + prompts.size()
                    + " version(s). Copy prompt_version from an output or audit record, or see `switchboard prompts list`");
        }
        return prompt;
    }

    private Map<String, RecordedPrompt> read() {
        EngineConfig engineConfig = kafka.load(spec.commandLine().getErr());
        Map<String, String> properties = engineConfig.kafka().properties() == null ? Map.of() : engineConfig.kafka().properties();
        String name = topic != null ? topic : engineConfig.topics().prompts();
        try {
            return new PromptLedger(kafka.bootstrapServers(engineConfig), properties, name).read();
        } catch (org.apache.kafka.common.KafkaException | IllegalStateException e) {
            throw CommandFailure.failed("Could not read " + name + ": " + e.getMessage() + ". Check --bootstrap-servers or kafka: of --config");
        }
    }
}
