package dev.switchboard.workflows.cli;

import dev.switchboard.llm.sim.CannedAnswers;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.sim.SimulatedLatency;
import dev.switchboard.llm.sim.ModelSimulator.Fault;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard simulate-model}: an OpenAI-compatible chat endpoint on 127.0.0.1 for developing
 * and testing workflows offline, with no model and no key. It answers every JSON schema a step asks
 * for (classify takes the first label), counts tokens deterministically, and can be slow or fail on
 * purpose to try chains, retries, review and budgets.
 */
@Command(name = "simulate-model", description = "Serves an OpenAI-compatible model simulator on 127.0.0.1 for offline workflow development: "
        + "schema-following answers, deterministic token counts, latency and faults on demand. Stop with Ctrl-C.")
public final class SimulateModelCommand extends CliCommand {

    /** A way to misbehave, as the simulator offers it. */
    enum FaultKind { RATE_LIMITED, SERVER_ERROR, TIMEOUT, MALFORMED_JSON, OFF_SCHEMA, ADVERSARIAL }

    @Option(names = "--port", description = "Port on 127.0.0.1; 0 picks a free one.", defaultValue = "8000")
    int port;

    @Option(names = "--latency-ms", description = "Median delay before each answer.", defaultValue = "0")
    int latencyMs;

    @Option(names = "--latency-sigma", description = "Spread of a log-normal latency around the median (0: fixed; 0.5: a realistic tail).",
            defaultValue = "0")
    double latencySigma;

    @Option(names = "--confidence", description = "Confidence of classify answers.", defaultValue = "0.9")
    double confidence;

    @Option(names = "--fault", description = "A fault to inject: ${COMPLETION-CANDIDATES}.")
    FaultKind fault;

    @Option(names = "--fault-rate", description = "Share of requests that get the fault (0.25: every 4th).", defaultValue = "1")
    double faultRate;

    @Option(names = "--answers", paramLabel = "FILE", description = "Canned answers: JSON Lines, one {\"key\": ..., \"answers\": "
            + "{<schema name>: <answer>}} a line, as in the support copilot's sample model answers; other requests get the answers above.")
    Path answers;

    @Option(names = "--answer-key", paramLabel = "REGEX", defaultValue = "Ticket ([A-Za-z0-9-]+):",
            description = "Where the key of --answers is in a request: the group of this pattern in a user message; with several groups, "
                    + "those that matched joined by '|' (default: ${DEFAULT-VALUE}).")
    String answerKey;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        if (faultRate < 0 || faultRate > 1) {
            throw CommandFailure.invalid("Invalid --fault-rate: got " + faultRate + ", expected a share from 0 to 1, e.g. 0.25");
        }
        CannedAnswers canned = answers == null ? null : canned();
        try (ModelSimulator simulator = ModelSimulator.start(port).logLimit(1000)) {
            simulator.latency(latencySigma > 0
                    ? SimulatedLatency.logNormal(Duration.ofMillis(latencyMs), latencySigma, System.nanoTime())
                    : () -> Duration.ofMillis(latencyMs));
            double answerConfidence = confidence;
            simulator.answers(canned != null ? canned : request -> request.labels().isEmpty() ? ModelSimulator.defaultAnswer(request)
                    : ModelSimulator.answer(request.labels().get(0), answerConfidence));
            if (fault != null) {
                simulator.faultFraction(faultRate, switch (fault) {
                    case RATE_LIMITED -> Fault.rateLimited(Duration.ofSeconds(1));
                    case SERVER_ERROR -> Fault.serverError();
                    case TIMEOUT -> Fault.hang(Duration.ofMinutes(5));
                    case MALFORMED_JSON -> Fault.malformedJson();
                    case OFF_SCHEMA -> Fault.offSchema("not_a_label");
                    case ADVERSARIAL -> Fault.adversarial();
                });
            }
            out.println("Model simulator at " + simulator.baseUrl() + (canned == null ? "" : ", " + canned.size() + " canned answers from " + answers)
                    + (fault == null ? "" : " (" + fault.name().toLowerCase()
                    + " on " + Math.round(faultRate * 100) + "% of requests)") + ". In switchboard.yaml:");
            out.println();
            out.println("models:");
            out.println("  sim:");
            out.println("    base_url: " + simulator.baseUrl());
            out.println("    model: simulated");
            out.println();
            out.println("Stop with Ctrl-C.");
            out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "simulate-model-shutdown"));
            stopped.await();
        }
        return 0;
    }

    private CannedAnswers canned() throws IOException {
        Pattern key;
        try {
            key = Pattern.compile(answerKey);
        } catch (PatternSyntaxException e) {
            throw CommandFailure.invalid("Invalid --answer-key: got '" + answerKey + "', expected a regular expression with a group, "
                    + "e.g. 'Ticket ([A-Za-z0-9-]+):'. " + e.getDescription());
        }
        if (key.matcher("").groupCount() < 1) {
            throw CommandFailure.invalid("Invalid --answer-key: got '" + answerKey + "', expected a regular expression with a group, "
                    + "e.g. 'Ticket ([A-Za-z0-9-]+):'. The group is the key of a line of --answers");
        }
        if (!Files.isRegularFile(answers)) {
            throw CommandFailure.invalid("No file at --answers " + answers + ". Name a JSON Lines file of canned answers, "
                    + "e.g. workflows/examples/data/support-tickets.model-answers.jsonl");
        }
        try (Reader reader = Files.newBufferedReader(answers, StandardCharsets.UTF_8)) {
            return CannedAnswers.read(reader, key);
        } catch (IOException e) {
            throw CommandFailure.invalid("Unreadable --answers " + answers + ": " + e.getMessage());
        }
    }
}
