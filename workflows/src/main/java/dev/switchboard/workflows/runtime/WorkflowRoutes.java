package dev.switchboard.workflows.runtime;

import dev.switchboard.llm.Budgets;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.ops.EngineView.WorkflowState;
import dev.switchboard.workflows.prompts.PromptLedger;
import dev.switchboard.workflows.prompts.RecordedPrompt;
import dev.switchboard.workflows.streams.StreamsStages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflows as a service: per workflow a {@link WorkflowRunner}, a {@link WorkflowRoute} for its
 * events and a {@link DecisionRoute} for the review decisions on them, in a Camel context; the review
 * ledger those decisions are checked against; the {@link BudgetGate} that holds a workflow whose
 * budget is spent; and pausing and resuming by hand. Starting it first reads back today's spend from
 * the audit topic, so a restart does not reset a budget.
 */
final class WorkflowRoutes implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRoutes.class);
    /** Events a workflow's route takes from Kafka at a time: one batch for the steps. */
    private static final int MAX_POLL_RECORDS = 256;
    /** How long starting waits for the workflows' groups to hold their partitions. */
    private static final Duration ASSIGNMENT_WAIT = Duration.ofSeconds(60);
    private static final Duration ASSIGNMENT_POLL = Duration.ofMillis(200);

    private final List<Workflow> workflows;
    private final StepEnvironment environment;
    private final Topics topics;
    private final Budgets budgets;
    private final Clock clock;
    private final StageContext stage;
    private final Map<String, WorkflowRunner> runners = new LinkedHashMap<>();
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private BudgetGate gate;
    private ReviewTopicLedger ledger;
    private volatile CamelContext camel;

    /** @param budgets the workflows' budgets, counted in days of {@code clock} */
    WorkflowRoutes(List<Workflow> workflows, StepEnvironment environment, Topics topics, Budgets budgets, Clock clock, StageContext stage) {
        this.workflows = List.copyOf(workflows);
        this.environment = environment;
        this.topics = topics;
        this.budgets = budgets;
        this.clock = clock;
        this.stage = stage;
    }

    @Override
    public void start() throws Exception {
        try {
            gate = new BudgetGate(budgets, clock, new BudgetGate.Routes() {
                @Override
                public void stop(String workflow) {
                    stopRoute(workflow, "its budget");
                }

                @Override
                public void start(String workflow) {
                    startRoute(workflow, "a new budget day");
                }
            });
            restoreSpend();
            ledger = new ReviewTopicLedger(stage.kafka(), topics.review());
            ledger.start();
            camel = KafkaEndpoints.context(stage.kafka());
            List<StepListener> listeners = List.of(new TracingListener(stage.tracing()), new MetricsListener(stage.observer()),
                    new AuditListener(topics.audit()), new StepTraceListener(topics.trace()));
            for (Workflow workflow : workflows) {
                gate.register(workflow);
                WorkflowRunner runner = new WorkflowRunner(StreamsStages.effective(workflow), environment, topics,
                        WorkflowRunner.stepRetries(WaitBudget.limit(stage.kafka().clientProperties())), listeners);
                runners.put(workflow.name(), runner);
                camel.addRoutes(new WorkflowRoute(runner, stage.writer(), stage.running(), MAX_POLL_RECORDS, gate));
                camel.addRoutes(new DecisionRoute(runner, ledger, topics.decisions(), stage.writer(), stage.running(), MAX_POLL_RECORDS));
            }
            recordPrompts();
            try (Admin admin = admin()) {
                Instant startedAt = Instant.now();
                for (WorkflowRunner runner : runners.values()) {
                    if ("latest".equals(runner.workflow().on().start())) {
                        StartPositions.commitIfNew(admin, runner.workflow().consumerGroup(), runner.workflow().on().topic(), startedAt);
                    }
                }
                camel.start();
                awaitAssignments(admin);
            }
        } catch (Exception e) {
            stop();
            throw e;
        }
    }

    /**
     * Returns once every started workflow's group holds its partitions, so that "started" (and the
     * readiness that follows) means consuming; after {@link #ASSIGNMENT_WAIT} it logs which are not and
     * goes on, and readiness stays down until they are.
     */
    private void awaitAssignments(Admin admin) throws InterruptedException {
        long deadline = System.nanoTime() + ASSIGNMENT_WAIT.toNanos();
        List<String> waiting = unassigned(admin);
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(ASSIGNMENT_POLL.toMillis()); // polling Kafka for a condition it cannot push
            waiting = unassigned(admin);
        }
        if (!waiting.isEmpty()) {
            LOG.warn("Workflows {} have no partitions after {} s (another instance rebalancing, or Kafka slow); /health/ready answers 503 "
                    + "until they do", waiting, ASSIGNMENT_WAIT.toSeconds());
        }
    }

    private List<String> unassigned(Admin admin) {
        List<String> waiting = new ArrayList<>();
        for (WorkflowState state : states()) {
            if (state.state().equals("Started")
                    && !GroupAssignments.covers(admin, state.consumerGroup(), state.topic(), ASSIGNMENT_POLL.multipliedBy(25))) {
                waiting.add(state.name());
            }
        }
        return waiting;
    }

    private Admin admin() {
        Properties properties = new Properties();
        properties.putAll(stage.kafka().clientProperties());
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stage.kafka().bootstrapServers());
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-workflows");
        return Admin.create(properties);
    }

    /** The text behind every prompt version the workflows send, on the prompts topic before any is sent. */
    private void recordPrompts() throws InterruptedException {
        List<RecordedPrompt> prompts = new ArrayList<>();
        runners.values().forEach(runner -> prompts.addAll(runner.prompts()));
        int fresh = new PromptLedger(stage.kafka().bootstrapServers(), stage.kafka().clientProperties(), topics.prompts())
                .record(prompts, stage.kafka().replicationFactor());
        LOG.info("{} prompt version(s), {} new on {}", prompts.size(), fresh, topics.prompts());
    }

    /** Today's spend of budgeted workflows before this start, from the audit topic. */
    private void restoreSpend() {
        Set<String> budgeted = new HashSet<>();
        workflows.stream().filter(workflow -> workflow.budget() != null).forEach(workflow -> {
            budgeted.add(workflow.name());
            budgets.register(workflow.name(), workflow.budget());
        });
        AuditSpend.today(stage.kafka().bootstrapServers(), stage.kafka().clientProperties(), topics.audit(), budgeted, clock).forEach((workflow, usd) -> {
            LOG.info("Workflow '{}' spent ${} on models today before this start (from {})", workflow, String.format("%.4f", usd), topics.audit());
            budgets.record(workflow, usd);
        });
    }

    @Override
    public void stop() {
        if (gate != null) {
            gate.close();
        }
        if (camel != null) {
            camel.stop();
            camel = null;
        }
        if (ledger != null) {
            ledger.stop();
            ledger = null;
        }
        runners.values().forEach(WorkflowRunner::close);
    }

    /** Whether the routes run. */
    boolean started() {
        CamelContext context = camel;
        return context != null && context.isStarted();
    }

    /** Each workflow's state (started, stopped, paused), group, topic and counters. */
    /** The workflows as their files define them. */
    List<Workflow> workflows() {
        return workflows;
    }

    List<WorkflowState> states() {
        List<WorkflowState> states = new ArrayList<>();
        CamelContext context = camel;
        runners.forEach((name, runner) -> {
            ServiceStatus status = context == null ? null : context.getRouteController().getRouteStatus(WorkflowRoute.routeId(name));
            String state = paused.contains(name) ? "Paused" : status == null ? "Stopped" : status.name();
            states.add(new WorkflowState(name, state, runner.workflow().consumerGroup(), runner.workflow().on().topic(), runner.counters()));
        });
        return states;
    }

    /** Counters by workflow name. */
    Map<String, Map<String, Long>> counters() {
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        runners.forEach((name, runner) -> counters.put(name, runner.counters()));
        return counters;
    }

    /** Stops a workflow by hand: it commits nothing new and leaves its group; resumed, it rejoins at the committed offsets. */
    void pause(String workflow) {
        stopRoute(workflow, "the admin API");
    }

    void resume(String workflow) {
        if (gate != null && gate.held(workflow)) {
            gate.release(workflow); // starts the route after a budget stop still queued
        } else {
            startRoute(workflow, "the admin API");
        }
    }

    private void stopRoute(String workflow, String by) {
        try {
            // Stop rather than suspend: camel-kafka's batching consumer does not pick up again after a resume.
            paused.add(workflow);
            camel.getRouteController().stopRoute(WorkflowRoute.routeId(workflow));
            camel.getRouteController().stopRoute(DecisionRoute.routeId(workflow)); // resumed events run steps too
            LOG.info("Workflow {} paused by {}", workflow, by);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot pause " + workflow + ": " + e.getMessage(), e);
        }
    }

    private void startRoute(String workflow, String by) {
        try {
            camel.getRouteController().startRoute(WorkflowRoute.routeId(workflow));
            camel.getRouteController().startRoute(DecisionRoute.routeId(workflow));
            paused.remove(workflow);
            LOG.info("Workflow {} resumed by {}", workflow, by);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot resume " + workflow + ": " + e.getMessage(), e);
        }
    }
}
