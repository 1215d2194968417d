package dev.switchboard.workflows.runtime;

import dev.switchboard.llm.Budgets;
import dev.switchboard.workflows.console.ConsoleSetup;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.ResponseCache;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineSinkEnvironment;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.ops.AdminAccess;
import dev.switchboard.workflows.ops.EngineMetrics;
import dev.switchboard.workflows.ops.Operations;
import dev.switchboard.workflows.runtime.http.HttpListener;
import dev.switchboard.workflows.runtime.http.HttpListeners;
import dev.switchboard.workflows.streams.StreamsStages;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Switchboard process, wired from its {@link Service}s: the Kafka connection (an embedded broker
 * when none is configured), the output writer, delivery, the workflow routes, the HTTP listeners
 * (public and admin), sources, the Kafka Streams stages and operations. They start in that order and stop in reverse.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final Function<String, Optional<String>> secrets;
    private final Clock clock;
    private final OpenTelemetry openTelemetry;
    private final ModelRegistry models;
    private final EngineMetrics metrics = new EngineMetrics();
    private final StreamsStages streams;
    private final EngineStepEnvironment stepEnvironment;
    private final AtomicBoolean running = new AtomicBoolean();
    private ServiceGroup services = new ServiceGroup();
    private KafkaConnection kafka;
    private WorkflowRoutes routes;
    private DeliveryStage delivery;
    private HttpListeners http;
    private EngineSources sources;

    Engine(EngineBuilder builder) {
        this.config = builder.config();
        this.secrets = builder.secrets();
        this.clock = builder.clock();
        this.openTelemetry = builder.openTelemetry() != null ? builder.openTelemetry() : TracingSetup.openTelemetry(config.tracing());
        // API keys come from the same secrets as everything else (api_key_env names one)
        this.models = new ModelRegistry(config.models(), config.aliases(), new Budgets(clock), new ResponseCache(), secrets);
        this.streams = new StreamsStages(config.kafka().streams(), config.topics(), config.kafka(), config.baseDir(), secrets, metrics.registry());
        this.stepEnvironment = new EngineStepEnvironment(config.baseDir(), config.sinks().keySet(), Stream.of(streams.crm().orElse(null),
                streams.invoices().orElse(null), models).filter(Objects::nonNull).toList());
    }

    /** An engine for this configuration; secrets, OpenTelemetry and the clock have defaults. */
    public static EngineBuilder builder(EngineConfig config) {
        return new EngineBuilder(config);
    }

    /** A loader that checks workflows against this engine's sinks, models and CRM tables. */
    public WorkflowLoader loader() {
        return new WorkflowLoader(StepTypes.installed(), folder -> stepEnvironment);
    }

    /** Starts Kafka (embedded when no bootstrap servers are configured), delivery, then each workflow. */
    public void start(List<Workflow> workflows) {
        start(workflows, true);
    }

    /** Starts without the delivery stage when {@code withDelivery} is false (benchmarks, replays). */
    public synchronized void start(List<Workflow> workflows, boolean withDelivery) {
        running.set(true);
        kafka = new KafkaConnection(config.kafka(), config.baseDir(), topics(workflows), streams.compactedTopics());
        OutputWriter writer = new OutputWriter(kafka);
        StageContext stage = new StageContext(kafka, writer, running::get, metrics, new Tracing(openTelemetry));
        delivery = withDelivery ? new DeliveryStage(config, new EngineSinkEnvironment(config.baseDir(), config.outbound(), secrets, writer),
                stage) : null;
        routes = new WorkflowRoutes(workflows, stepEnvironment, config.topics(), models.budgets(), clock, stage);
        HttpListeners listeners = new HttpListeners(config, metrics.registry());
        http = listeners.any() ? listeners : null;
        HttpListener publicListener = listeners.publicListener();
        sources = config.sources().isEmpty() ? null : new EngineSources(config, secrets, kafka, publicListener);
        workflows.forEach(workflow -> metrics.budget(workflow.name(), models.budgets()));
        String adminToken = secrets.apply(config.adminTokenEnv()).orElse(null);
        services = new ServiceGroup().add("kafka", kafka).add("output writer", writer).add("delivery", delivery).add("workflows", routes)
                .add("http", http).add("sources", sources).add("streams", new StreamsService(streams, workflows, config, kafka, publicListener))
                .add("operations", new Operations(metrics, groups(workflows, withDelivery),
                        new OperationsView(running::get, routes, kafka, config.topics(), sources), new AdminAccess(listeners.adminListener(),
                        adminToken, ConsoleSetup.of(config.admin(), adminToken, config.baseDir()))));
        if (config.http().adminTokenEnv() != null) {
            LOG.warn("http.admin_token_env is deprecated: write admin.token_env: {} instead", config.http().adminTokenEnv());
        }
        try {
            services.start();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("Switchboard could not start: " + e.getMessage(), e);
        }
        LOG.info("Switchboard started: {} workflow(s) {}, sinks {}", workflows.size(), workflows.stream().map(Workflow::name).toList(),
                config.sinks().keySet());
    }

    /** Every topic the engine and its stages need, each once. */
    private Set<String> topics(List<Workflow> workflows) {
        Set<String> topics = new LinkedHashSet<>();
        workflows.forEach(workflow -> topics.add(workflow.on().topic()));
        topics.addAll(config.topics().all());
        // compacted, so the prompt ledger creates it with its own settings
        topics.remove(config.topics().prompts());
        topics.addAll(DeliveryStage.retryTopics(config.topics().tasks()));
        topics.add(DeadLetters.redrivesTopic(config.topics().deadLetter()));
        topics.addAll(streams.topics(workflows));
        return topics;
    }

    /** The consumer groups whose lag operations measure. */
    private List<String> groups(List<Workflow> workflows, boolean withDelivery) {
        List<String> groups = new ArrayList<>(workflows.stream().map(Workflow::consumerGroup).toList());
        if (withDelivery) {
            groups.add(TaskDelivery.GROUP_ID);
            groups.add(RetryStage.GROUP_ID);
        }
        groups.addAll(streams.applicationIds(workflows));
        return groups;
    }

    public String bootstrapServers() {
        return kafka == null ? null : kafka.bootstrapServers();
    }

    /** The public listener's port (webhooks, {@code /events}), or -1 when it is off. */
    public int httpPort() {
        return http == null || http.publicListener() == null ? -1 : http.publicListener().port();
    }

    /** The admin listener's port (health, metrics, the admin API), or -1 when it is off. */
    public int adminPort() {
        return http == null || http.adminListener() == null ? -1 : http.adminListener().port();
    }

    /** Health of each source by name. */
    public Map<String, Map<String, Object>> sourceHealth() {
        return sources == null ? Map.of() : sources.health();
    }

    /** The Kafka Streams stages of this engine (dedup, CRM tables, windows, digests). */
    public StreamsStages streams() {
        return streams;
    }

    /** Prometheus metrics of this engine. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /** The model registry: models, endpoints, budgets and cache, shared by every workflow. */
    public ModelRegistry models() {
        return models;
    }

    /** Counters by stage: {@code workflow.<name>} and {@code delivery}. */
    public Map<String, Map<String, Long>> counters() {
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        if (routes != null) {
            routes.counters().forEach((name, counts) -> counters.put("workflow." + name, counts));
        }
        if (delivery != null) {
            counters.put("delivery", delivery.counters());
        }
        return counters;
    }

    @Override
    public synchronized void close() {
        running.set(false);
        services.stop();
        models.close();
        metrics.close();
        TracingSetup.close(openTelemetry);
    }
}
