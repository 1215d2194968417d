package dev.switchboard.workflows.ops;

import dev.switchboard.workflows.console.Console;
import dev.switchboard.workflows.console.ConsolePages;
import dev.switchboard.workflows.console.ConsoleSessions;
import dev.switchboard.workflows.console.ConsoleSetup;
import dev.switchboard.workflows.console.CostPage;
import dev.switchboard.workflows.console.CounterHistory;
import dev.switchboard.workflows.console.DeadLetterPage;
import dev.switchboard.workflows.console.LineagePage;
import dev.switchboard.workflows.console.OverviewPage;
import dev.switchboard.workflows.console.PromptTexts;
import dev.switchboard.workflows.console.ReportsPage;
import dev.switchboard.workflows.console.ReviewDesk;
import dev.switchboard.workflows.console.WorkflowPage;
import dev.switchboard.workflows.prompts.PromptLedger;
import dev.switchboard.workflows.prompts.RecordedPrompt;
import dev.switchboard.workflows.review.ReviewQueue;
import dev.switchboard.workflows.runtime.Service;
import dev.switchboard.workflows.runtime.http.HttpListener;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations as a service: the gauges of the engine's metrics (consumer lag, review queue),
 * the Kafka and review-queue watches behind them, and health, metrics and the admin API on the admin
 * listener when it runs.
 */
public final class Operations implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(10);
    private static final Duration RATE_WINDOW = Duration.ofMinutes(5);
    private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(15);

    private final EngineMetrics metrics;
    private final List<String> groups;
    private final EngineView engine;
    private final AdminAccess admin;
    private KafkaWatch kafkaWatch;
    private ReviewQueueWatch reviewWatch;
    private ScheduledExecutorService sampler;

    /**
     * @param groups consumer groups whose lag is measured
     * @param engine the running engine, whose Kafka and review topic the watches read
     */
    public Operations(EngineMetrics metrics, List<String> groups, EngineView engine, AdminAccess admin) {
        this.metrics = metrics;
        this.groups = List.copyOf(groups);
        this.engine = engine;
        this.admin = admin;
    }

    @Override
    public void start() {
        kafkaWatch = new KafkaWatch(engine.bootstrapServers(), engine.clientProperties(), groups, WATCH_INTERVAL);
        groups.forEach(group -> metrics.gauge("switchboard.consumer.lag", "Records not yet processed by a stage",
                Map.of("group", group), kafkaWatch, watch -> watch.lag(group)));
        reviewWatch = new ReviewQueueWatch(engine.bootstrapServers(), engine.clientProperties(), engine.reviewTopic());
        metrics.gauge("switchboard.review.queue.size", "Held events waiting for a person in the review topic",
                Map.of(), reviewWatch, ReviewQueueWatch::size);
        if (admin.listener() != null) {
            HttpListener http = admin.listener();
            ConsoleSetup console = admin.console();
            new OperationsApi(engine, metrics, kafkaWatch, admin.token()).register(http);
            if (console != null) {
                Supplier<ReviewQueue> reviews = () -> new ReviewQueue(engine.bootstrapServers(), engine.clientProperties(),
                        engine.reviewTopic(), engine.decisionsTopic());
                CounterHistory history = new CounterHistory(Clock.systemUTC(), RATE_WINDOW);
                sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "switchboard-console-sampler");
                    thread.setDaemon(true);
                    return thread;
                });
                sampler.scheduleAtFixedRate(() -> sample(history), 0, SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                new Console(console.users(), new ConsoleSessions(console.session(), Clock.systemUTC()), new ConsolePages(),
                        console.secureCookie()).register(http, new OverviewPage(engine, kafkaWatch::lag, metrics.registry(), history),
                        new ReviewDesk(reviews),
                        new DeadLetterPage(new DeadLetterBox(engine)), new LineagePage(engine, ledgerTexts()),
                        new WorkflowPage(engine), new CostPage(metrics.registry(), engine, Clock.systemUTC()), new ReportsPage(console.reportFolders()));
            }
        }
    }

    private void sample(CounterHistory history) {
        try {
            history.sample(OverviewPage.counters(engine));
        } catch (RuntimeException e) {
            // a failed sample leaves a gap in the rate; the next one fills it
            LOG.warn("Console: could not sample the workflows' counters: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        if (kafkaWatch != null) {
            kafkaWatch.close();
        }
        if (reviewWatch != null) {
            reviewWatch.close();
        }
    }

    /** The prompt texts the engine recorded on the prompts topic at start, read when a lineage page asks. */
    private PromptTexts ledgerTexts() {
        PromptLedger ledger = new PromptLedger(engine.bootstrapServers(), engine.clientProperties(), engine.topics().prompts());
        return (promptId, promptVersion) -> Optional.ofNullable(ledger.read().get(promptVersion)).map(RecordedPrompt::text);
    }
}
