package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.Engine;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code switchboard demo finance}: the finance flows offline on the sample data. The accepted supplier
 * invoices (in the shape invoice intake publishes them, taken from the sample invoices' ground truth)
 * and our issued invoices open the reconciliation table; the sample camt.053 statement is dropped in
 * a {@code camt053-folder} source's folder; reconciliation settles what it can, and what stays
 * unmatched becomes a finance task; the payment reminders (drafted by the model simulator, served
 * in-process, from the reminder's facts) go to the overdue customers; unusual invoices are held. Then a summary.
 */
public final class FinanceDemo {

    static final List<String> RESOURCES = List.of("unmatched-payments.yaml", "payment-reminders.yaml", "invoice-anomalies.yaml",
            "data/invoices/accepted.jsonl", "data/invoices/issued.jsonl", "data/bank/camt053-statement.xml", "data/bank/expected-matches.jsonl",
            "knowledge-base/collections/tone-guide.md", "knowledge-base/collections/friendly-reminder.md",
            "knowledge-base/collections/firm-reminder.md", "knowledge-base/collections/final-notice.md");
    static final List<String> WORKFLOWS = List.of("unmatched-payments", "payment-reminders", "invoice-anomalies");
    /** The first reminder stage, as payment-reminders.yaml gives it. */
    private static final int FIRST_STAGE_DAYS = 7;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ARTICLE = Pattern.compile("<article id=\"([^\"]+)\">");

    /** What the demo did: reconciliation's counts, the tasks per workflow and the reminders per stage. */
    public record Summary(long invoices, long payments, long paid, long partiallyPaid, long unmatched, long expectedUnmatched,
                          long expectedSettlements, Map<String, Long> tasksPerWorkflow, Map<String, Long> remindersPerStage,
                          Map<String, Long> draftedBy, Duration elapsed, Path tasksFile, Path mailFile) {
    }

    private FinanceDemo() {
    }

    /** Runs the demo in {@code workDir} (created; Kafka data, the bank folder and the sinks' files go there) and prints to {@code out}. */
    public static Summary run(Path workDir, PrintStream out, Duration timeout) throws IOException, InterruptedException {
        Path examples = ExampleResources.copyAll(RESOURCES, workDir.resolve("examples"));
        // the reminders' schedule, every weekday at 09:00, would not fall due during a demo: here it runs every few seconds
        Path reminders = examples.resolve("payment-reminders.yaml");
        Files.writeString(reminders, Files.readString(reminders).replace("    cron: \"0 9 * * MON-FRI\"\n    zone: Europe/Paris\n",
                "    every: PT3S\n"));
        Path bank = Files.createDirectories(workDir.resolve("bank"));
        Path tasksFile = workDir.resolve("finance-tasks.jsonl");
        Path mailFile = workDir.resolve("customer-mail.jsonl");
        Files.deleteIfExists(tasksFile);
        Files.deleteIfExists(mailFile);

        out.println("Switchboard finance demo: embedded Kafka broker, model simulator in-process, reconciliation, reminders");
        long started = System.nanoTime();
        try (ModelSimulator simulator = ModelSimulator.start(0)) {
            simulator.answers(FinanceDemo::simulatedAnswer);
            EngineConfigLoader.Result configResult = EngineConfigLoader.standard().parse("demo config", config(simulator.baseUrl()), examples);
            if (!configResult.ok()) {
                throw new IllegalStateException("Demo configuration is invalid: " + configResult.problems());
            }
            try (Engine engine = Engine.builder(configResult.config()).build()) {
                List<Workflow> workflows = new ArrayList<>();
                for (String name : WORKFLOWS) {
                    workflows.add(ExampleResources.load(engine, examples.resolve(name + ".yaml"), out));
                }
                engine.start(workflows);
                out.println("  broker    " + engine.bootstrapServers());
                String accepted = Files.readString(examples.resolve("data/invoices/accepted.jsonl"));
                String issued = Files.readString(examples.resolve("data/invoices/issued.jsonl"));
                int invoices = EventPublisher.publish(engine.bootstrapServers(), Map.of(), "switchboard.events", new StringReader(accepted))
                        + EventPublisher.publish(engine.bootstrapServers(), Map.of(), "switchboard.events", new StringReader(issued));
                out.println("  published " + invoices + " invoices (supplier invoices as invoice intake accepts them, and ours) to switchboard.events");
                long deadline = System.nanoTime() + timeout.toNanos();
                await(() -> stage(engine, "invoice") >= invoices, deadline, timeout, "the invoices were not all opened");

                Files.copy(examples.resolve("data/bank/camt053-statement.xml"), bank.resolve("statement.part"), StandardCopyOption.REPLACE_EXISTING);
                Files.move(bank.resolve("statement.part"), bank.resolve("camt053-statement.xml"), StandardCopyOption.REPLACE_EXISTING);
                out.println("  dropped   camt053-statement.xml in " + bank);

                Expected expected = expected(examples, issued);
                await(() -> stage(engine, "unmatched") >= expected.unmatched()
                                && stage(engine, "paid") + stage(engine, "partially_paid") >= expected.settlements()
                                && reminded(engine) >= expected.reminders()
                                && settled(engine, expected.unmatched() + expected.reminders()),
                        deadline, timeout, "reconciliation and reminders did not finish");
                Summary summary = new Summary(stage(engine, "invoice"), stage(engine, "payment"), stage(engine, "paid"),
                        stage(engine, "partially_paid"), stage(engine, "unmatched"), expected.unmatched(), expected.settlements(),
                        count(tasksFile, task -> task.path("workflow").asText("?")), count(mailFile, task -> task.path("fields").path("stage").asText("?")),
                        count(mailFile, task -> task.path("fields").path("drafted_by").asText("?")),
                        Duration.ofNanos(System.nanoTime() - started), tasksFile, mailFile);
                print(summary, out);
                return summary;
            }
        }
    }

    /**
     * The simulator's answer: for a draft, a letter built from the facts it was given, citing the first
     * article retrieved (what a model that follows the tone guide is asked for); any other request the
     * simulator's default answer.
     */
    static String simulatedAnswer(ModelSimulator.Request request) {
        Matcher article = ARTICLE.matcher(request.system());
        if (!request.body().contains("\"citations\"") || !article.find()) {
            return ModelSimulator.defaultAnswer(request);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("draft", "Hello, this is Northwind Cloud, Accounts Receivable, with a reminder. "
                + request.user().replaceAll("</?text>", "").replaceAll("\\s+", " ").strip()
                + " Please pay by bank transfer quoting the payment reference, or reply if you have paid already.");
        answer.putArray("citations").add(article.group(1));
        answer.put("confidence", 0.9);
        return answer.toString();
    }

    private static String config(String modelUrl) {
        return """
                kafka:
                  data_dir: ../kafka
                  streams:
                    reconcile:
                      topics: [switchboard.events, switchboard.bank]
                      unmatched_after: PT5S
                models:
                  fast:
                    base_url: %s
                    model: simulated
                http:
                  port: 0
                sources:
                  bank-statements:
                    camt053-folder:
                      folder: ../bank
                      topic: switchboard.bank
                      entries: all
                      poll_seconds: 1
                      settle_seconds: 0
                sinks:
                  finance-queue:
                    jsonl:
                      path: ../finance-tasks.jsonl
                  customer-mail:
                    jsonl:
                      path: ../customer-mail.jsonl
                """.formatted(modelUrl);
    }

    /** What the sample data should come to: from expected-matches.jsonl, and the issued invoices past their first stage today. */
    record Expected(long settlements, long unmatched, long reminders) {
    }

    static Expected expected(Path examples, String issued) throws IOException {
        long settlements = 0;
        long unmatched = 0;
        for (String line : Files.readAllLines(examples.resolve("data/bank/expected-matches.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode match = JSON.readTree(line);
            switch (match.path("match").asText()) {
                case "none", "refund" -> unmatched++;
                default -> settlements += match.path("invoices").size();
            }
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        long reminders = 0;
        for (String line : issued.split("\n")) {
            if (!line.isBlank() && !LocalDate.parse(JSON.readTree(line).path("data").path("due_date").asText()).plusDays(FIRST_STAGE_DAYS)
                    .isAfter(today)) {
                reminders++;
            }
        }
        return new Expected(settlements, unmatched, reminders);
    }

    private static long stage(Engine engine, String outcome) {
        return counter(engine, "reconcile", outcome);
    }

    private static long reminded(Engine engine) {
        return counter(engine, "overdue:payment-reminders", "reminded");
    }

    private static long counter(Engine engine, String stage, String outcome) {
        Counter counter = engine.metrics().registry().find("switchboard.streams.events").tag("stage", stage).tag("outcome", outcome).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    /** Whether the reminder and unmatched-payment tasks are all delivered (or dead-lettered). */
    private static boolean settled(Engine engine, long tasks) {
        return DemoProgress.settledTasks(engine.counters()) >= tasks;
    }

    private interface Condition {
        boolean met() throws IOException;
    }

    private static void await(Condition condition, long deadline, Duration timeout, String what) throws IOException, InterruptedException {
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Demo did not finish within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(200); // polling the engine's counters for completion
        }
    }

    private static Map<String, Long> count(Path file, java.util.function.Function<JsonNode, String> by) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    counts.merge(by.apply(JSON.readTree(line)), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    static void print(Summary summary, PrintStream out) {
        out.println();
        out.println("  invoices opened        " + summary.invoices());
        out.println("  bank payments read     " + summary.payments());
        out.println("  invoices paid          " + summary.paid() + " and partially paid " + summary.partiallyPaid() + " (expected-matches.jsonl: "
                + summary.expectedSettlements() + " settlements)");
        out.println("  payments unmatched     " + summary.unmatched() + " (expected " + summary.expectedUnmatched() + "), each a finance task");
        out.println("  finance tasks          " + summary.tasksPerWorkflow() + "  -> " + summary.tasksFile());
        out.println("  payment reminders      " + summary.remindersPerStage() + ", drafted by " + summary.draftedBy() + "  -> " + summary.mailFile());
        out.printf("  elapsed                %.1f s (including broker start-up)%n", summary.elapsed().toMillis() / 1000.0);
    }
}
