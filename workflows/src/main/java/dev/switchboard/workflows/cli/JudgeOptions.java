package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.eval.Judge;
import dev.switchboard.workflows.eval.JudgeBudget;
import dev.switchboard.workflows.eval.JudgeScores;
import dev.switchboard.workflows.eval.OutputResult;
import dev.switchboard.workflows.eval.Rubric;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.prompts.PromptLedger;
import dev.switchboard.workflows.prompts.RecordedPrompt;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Option;

/**
 * {@code --judge}, {@code --rubric}, {@code --min-judge-score} and {@code --record-prompt}: a judge model grades summaries and drafts
 * on a rubric, and its prompt can be recorded with the steps' on the prompts topic.
 */
final class JudgeOptions {

    @Option(names = "--judge", paramLabel = "MODEL",
            description = "summarize, draft: a chat model of the configuration that grades each text on --rubric; its calls are accounted in the report "
                    + "and held against the workflow's budget.daily_usd.")
    String judge;

    @Option(names = "--rubric", paramLabel = "FILE", description = "The judge's rubric (YAML): criteria with a name and a description, and a scale (default 1 to 5).")
    Path rubric;

    @Option(names = "--min-judge-score", paramLabel = "NUMBER",
            description = "summarize, draft: exit 1 when the judge's mean score (on the rubric's scale) is below this.")
    Double minJudgeScore;

    @Option(names = "--record-prompt",
            description = "With --judge: records the judge's prompt version (the rubric in it) on the prompts topic, topics.prompts of the "
                    + "configuration, as the engine records its steps' prompts, so `switchboard prompts show <version>` prints it.")
    boolean recordPrompt;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "The Kafka of --record-prompt (default: that of the configuration).")
    String bootstrapServers;

    boolean judges() {
        return judge != null;
    }

    /** The judge, checked before anything slow starts; null without {@code --judge}. */
    Judge judge(ModelRegistry models, Workflow workflow, String stepType) {
        if (judge == null) {
            if (rubric != null || minJudgeScore != null || recordPrompt) {
                throw CommandFailure.invalid("--rubric, --min-judge-score and --record-prompt need a judge: name a chat model with --judge");
            }
            return null;
        }
        if (!stepType.equals("summarize") && !stepType.equals("draft")) {
            throw CommandFailure.invalid("Option --judge: got a " + stepType + " step, expected a summarize or draft step. Name one with --step");
        }
        if (!models.contains(judge) || !models.chats(judge)) {
            throw CommandFailure.invalid("Judge model at --judge: got '" + judge + "', expected a chat model of the configuration: "
                    + models.names() + ". Name one under models:");
        }
        if (rubric == null) {
            throw CommandFailure.invalid("Option --rubric: got nothing, expected a rubric file (YAML). Name it with --rubric");
        }
        try {
            return new Judge(models.endpoint(judge), Rubric.read(rubric), models.cache(), new JudgeBudget(models.budgets(), workflow.name(),
                    workflow.budget(), workflow.file() == null ? "workflow '" + workflow.name() + "'" : workflow.file().getFileName().toString()));
        } catch (IOException | IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
    }

    /** With {@code --record-prompt}: the judge's prompt on the prompts topic, before the judge's first call, as the engine does at start. */
    void recordPrompt(Judge judge, LoadedWorkflow loaded, PrintWriter out) {
        if (!recordPrompt) {
            return;
        }
        ConfigOption config = new ConfigOption();
        config.file = loaded.configFile();
        EngineConfig engineConfig = loaded.config();
        String servers = config.bootstrapServers(bootstrapServers, engineConfig);
        String topic = engineConfig.topics().prompts();
        Map<String, String> properties = engineConfig.kafka().properties() == null ? Map.of() : engineConfig.kafka().properties();
        JudgeScores.Prompt prompt = judge.prompt();
        Integer replication = engineConfig.kafka().replicationFactor();
        try {
            int fresh = new PromptLedger(servers, properties, topic).record(List.of(new RecordedPrompt(prompt.version(), prompt.id(),
                    loaded.workflow().name(), prompt.source(), prompt.text())), replication == null ? 1 : replication.shortValue());
            out.println("The judge's prompt " + prompt.version() + (fresh == 0 ? " was already" : " is now") + " on " + topic
                    + ": `switchboard prompts show " + prompt.version() + "` prints it");
        } catch (KafkaException | IllegalStateException e) {
            throw CommandFailure.failed("Could not record the judge's prompt on " + topic + ": " + e.getMessage()
                    + ". Check --bootstrap-servers or kafka: of the configuration");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.failed("Interrupted while recording the judge's prompt on " + topic);
        }
    }

    boolean gate(PrintWriter err, List<OutputResult> results) {
        boolean below = false;
        for (OutputResult r : results) {
            if (minJudgeScore != null && r.judge() != null && !(r.judge().overall() >= minJudgeScore)) {
                err.printf(Locale.ROOT, "FAIL: model '%s' judge score %.4f is below --min-judge-score %.4f%n", r.model(), r.judge().overall(), minJudgeScore);
                below = true;
            }
        }
        return below;
    }
}
