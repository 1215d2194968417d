package dev.switchboard.workflows.runtime;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Switchboard process: the Kafka connection (or an embedded broker when none is configured),
 * the models, the sinks, a Camel route per workflow and the delivery route.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final ModelRegistry models;
    private final StepEnvironment stepEnvironment;
    private final Map<String, WorkflowRunner> runners = new LinkedHashMap<>();
    private volatile boolean running;
    private EmbeddedKafkaBroker broker;
    private String bootstrapServers;
    private CamelContext camel;
    private OutputWriter writer;
    private TaskDelivery delivery;
    private final List<TaskSink> sinks = new ArrayList<>();
    private final List<dev.switchboard.schemas.spi.Source> sources = new ArrayList<>();
    private HttpIngressServer http;
    private KafkaEventPublisher eventPublisher;
    private final Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final dev.switchboard.workflows.ops.EngineMetrics metrics = new dev.switchboard.workflows.ops.EngineMetrics();
    private dev.switchboard.workflows.ops.KafkaWatch kafkaWatch;
    private dev.switchboard.workflows.ops.ReviewQueueWatch reviewWatch;

    private final java.util.function.Function<String, Optional<String>> secrets;
    private final dev.switchboard.workflows.streams.StreamsStages streams;
    private final io.opentelemetry.api.OpenTelemetry openTelemetry;
    private final Tracing tracing;
    private final java.time.Clock clock;
    private BudgetGate budgetGate;

    public Engine(EngineConfig config) {
        this(config, name -> Optional.ofNullable(System.getenv(name)));
    }

    /** @param secrets looks up secrets by environment variable name (tests pass their own) */
    public Engine(EngineConfig config, java.util.function.Function<String, Optional<String>> secrets) {
        this(config, secrets, TracingSetup.openTelemetry(config.tracing()));
    }

    /** @param openTelemetry where spans go (tests pass an in-memory SDK) */
    public Engine(EngineConfig config, java.util.function.Function<String, Optional<String>> secrets,
                  io.opentelemetry.api.OpenTelemetry openTelemetry) {
        this(config, secrets, openTelemetry, java.time.Clock.systemUTC());
    }

    /** @param clock the clock budgets count days by (tests pass one they move) */
    public Engine(EngineConfig config, java.util.function.Function<String, Optional<String>> secrets,
                  io.opentelemetry.api.OpenTelemetry openTelemetry, java.time.Clock clock) {
        this.openTelemetry = openTelemetry;
        this.tracing = new Tracing(openTelemetry);
        this.secrets = secrets;
        this.config = config;
        this.clock = clock;
        // API keys come from the same secrets as everything else (api_key_env names one)
        this.models = new ModelRegistry(config.models(), config.aliases(), new dev.switchboard.llm.Budgets(clock),
                new dev.switchboard.llm.ResponseCache(), secrets);
        this.streams = new dev.switchboard.workflows.streams.StreamsStages(config.kafka().streams(), config.topics(),
                config.kafka(), config.baseDir(), secrets, metrics.registry());
        this.stepEnvironment = stepEnvironment(config, models, streams.crm().orElse(null));
    }

    /** The environment steps are checked and created with: sinks by name and the model registry. */
    public static StepEnvironment stepEnvironment(EngineConfig config, ModelRegistry models) {
        return stepEnvironment(config, models, null);
    }

    /** The same, with the CRM tables (a {@code CrmLookup} and {@code LookupSource}) when the engine keeps them. */
    public static StepEnvironment stepEnvironment(EngineConfig config, ModelRegistry models, Object crmTables) {
        Set<String> sinkNames = Set.copyOf(config.sinks().keySet());
        return new StepEnvironment() {
            @Override
            public Path baseDir() {
                return config.baseDir();
            }

            @Override
            public Set<String> sinkNames() {
                return sinkNames;
            }

            @Override
            public <T> Optional<T> service(Class<T> type) {
                if (crmTables != null && type.isInstance(crmTables)) {
                    return Optional.of(type.cast(crmTables));
                }
                return type.isInstance(models) ? Optional.of(type.cast(models)) : Optional.empty();
            }
        };
    }

    /** A loader that checks workflows against this engine's sinks and models. */
    public WorkflowLoader loader() {
        return new WorkflowLoader(StepTypes.installed(), folder -> stepEnvironment);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public EngineConfig config() {
        return config;
    }

    /** The HTTP listener's port, or -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The HTTP listener, for the engine's own routes (health, metrics, admin); null when off. */
    public HttpIngressServer http() {
        return http;
    }

    /** Health of each source by name. */
    public Map<String, Map<String, Object>> sourceHealth() {
        Map<String, Map<String, Object>> health = new LinkedHashMap<>();
        sources.forEach(source -> health.put(source.name(), source.health()));
        return health;
    }

    /** Starts Kafka (embedded when no bootstrap servers are configured), then delivery, then each workflow. */
    public synchronized void start(List<Workflow> workflows) {
        start(workflows, true);
    }

    /** Starts without the delivery stage when {@code withDelivery} is false (benchmarks, replays). */
    public synchronized void start(List<Workflow> workflows, boolean withDelivery) {
        running = true;
        try {
            if (config.kafka().embedded()) {
                Path dataDir = config.baseDir().resolve(config.kafka().dataDir());
                broker = EmbeddedKafkaBroker.builder()
                        .dataDir(dataDir)
                        .port(config.kafka().port() == null ? 0 : config.kafka().port())
                        .build();
                broker.start();
                bootstrapServers = broker.bootstrapServers();
                LOG.info("Embedded Kafka broker on {} with data in {}", bootstrapServers, dataDir);
            } else {
                bootstrapServers = config.kafka().bootstrapServers();
            }
            Map<String, String> clientProperties = config.kafka().properties() == null ? Map.of() : config.kafka().properties();
            createTopics(workflows, clientProperties);
            writer = new OutputWriter(bootstrapServers, clientProperties);
            SinkEnvironment sinkEnvironment = EngineConfigLoader.sinkEnvironment(config.baseDir(), config.outbound(), secrets);
            Map<String, TaskSink> sinkByName = new HashMap<>();
            for (EngineConfig.SinkSpec spec : config.sinks().values()) {
                TaskSink sink = spec.factory().create(spec.name(), spec.options(), sinkEnvironment);
                sinks.add(sink);
                sinkByName.put(spec.name(), sink);
            }
            camel = new DefaultCamelContext();
            camel.getShutdownStrategy().setTimeout(15);
            camel.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
            camel.getRegistry().bind("switchboardHeaderFilter", new DropAllHeaders());
            KafkaComponent kafka = new KafkaComponent();
            kafka.getConfiguration().setBrokers(bootstrapServers);
            Map<String, Object> additional = new HashMap<>(clientProperties);
            kafka.getConfiguration().setAdditionalProperties(additional);
            camel.addComponent("kafka", kafka);
            delivery = new TaskDelivery(config.topics(), sinkByName, RetryPolicy.of(config.delivery()), WaitBudget.limit(clientProperties),
                    WaitBudget.Timer.SYSTEM, writer, () -> running, metrics, tracing);
            if (withDelivery) {
                camel.addRoutes(delivery);
            }
            EventParser parser = new EventParser();
            budgetGate = new BudgetGate(models.budgets(), clock, new BudgetGate.Routes() {
                @Override
                public void stop(String workflow) {
                    stopWorkflow(workflow, "its budget");
                }

                @Override
                public void start(String workflow) {
                    startWorkflow(workflow, "a new budget day");
                }
            });
            restoreSpend(workflows, clientProperties);
            for (Workflow workflow : workflows) {
                budgetGate.register(workflow);
                metrics.budget(workflow.name(), models.budgets());
                WorkflowRunner runner = WorkflowRunner.builder(dev.switchboard.workflows.streams.StreamsStages.effective(workflow), stepEnvironment)
                        .topics(config.topics()).parser(parser).retries(WorkflowRunner.STEP_RETRIES, WaitBudget.limit(clientProperties))
                        .listener(new TracingListener(tracing)).listener(new MetricsListener(metrics))
                        .listener(new AuditListener(config.topics().audit())).build();
                runners.put(workflow.name(), runner);
                camel.addRoutes(new WorkflowRoute(runner, writer, () -> running, 256, budgetGate));
            }
            camel.start();
            List<String> groups = new ArrayList<>();
            workflows.forEach(workflow -> groups.add(workflow.consumerGroup()));
            if (withDelivery) {
                groups.add(TaskDelivery.GROUP_ID);
            }
            groups.addAll(streams.applicationIds(workflows));
            kafkaWatch = new dev.switchboard.workflows.ops.KafkaWatch(bootstrapServers, clientProperties, groups, java.time.Duration.ofSeconds(10));
            groups.forEach(group -> metrics.gauge("switchboard.consumer.lag", "Records not yet processed by a stage",
                    Map.of("group", group), kafkaWatch, watch -> watch.lag(group)));
            reviewWatch = new dev.switchboard.workflows.ops.ReviewQueueWatch(bootstrapServers, clientProperties, config.topics().review());
            metrics.gauge("switchboard.review.queue.size", "Held events waiting for a person in the review topic",
                    Map.of(), reviewWatch, dev.switchboard.workflows.ops.ReviewQueueWatch::size);
            startSources(clientProperties);
            startStreams(workflows, clientProperties);
            LOG.info("Switchboard started: {} workflow(s) {}, sinks {}", workflows.size(), runners.keySet(), sinkByName.keySet());
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Switchboard could not start: " + e.getMessage(), e);
        }
    }

    private void startSources(Map<String, String> clientProperties) throws Exception {
        if (config.http().port() >= 0) {
            http = new HttpIngressServer(config.http().host(), config.http().port());
        }
        if (!config.sources().isEmpty()) {
            eventPublisher = new KafkaEventPublisher(bootstrapServers, clientProperties);
            dev.switchboard.schemas.spi.SourceEnvironment environment = sourceEnvironment();
            for (EngineConfig.SourceSpec spec : config.sources().values()) {
                dev.switchboard.schemas.spi.Source source = spec.factory().create(spec.name(), spec.options(), environment);
                sources.add(source);
                source.start();
            }
        }
        if (http != null) {
            String token = secrets.apply(config.http().adminTokenEnv()).orElse(null);
            new dev.switchboard.workflows.ops.OperationsApi(view(clientProperties), metrics, kafkaWatch, token).register(http);
            http.start();
            LOG.info("HTTP listener on {}:{}", config.http().host(), http.port());
        }
    }

    /** The Kafka Streams stages; the CRM tables answer other instances on the HTTP listener. */
    private void startStreams(List<Workflow> workflows, Map<String, String> clientProperties) {
        org.apache.kafka.streams.state.HostInfo advertised = null;
        if (http != null) {
            String host = (config.kafka().streams() == null ? null : config.kafka().streams().advertisedHost());
            if (host == null) {
                host = config.http().host().equals("0.0.0.0") ? "127.0.0.1" : config.http().host();
            }
            advertised = new org.apache.kafka.streams.state.HostInfo(host, http.port());
            streams.crm().ifPresent(tables -> http.route(dev.switchboard.workflows.streams.CrmTables.PATH, 4096, tables::handle));
        }
        streams.start(workflows, bootstrapServers, clientProperties, advertised);
    }

    /** The Kafka Streams stages of this engine (dedup, CRM tables, windows, digests). */
    public dev.switchboard.workflows.streams.StreamsStages streams() {
        return streams;
    }

    /** Prometheus metrics of this engine. */
    public dev.switchboard.workflows.ops.EngineMetrics metrics() {
        return metrics;
    }

    private dev.switchboard.workflows.ops.EngineView view(Map<String, String> clientProperties) {
        return new dev.switchboard.workflows.ops.EngineView() {
            @Override
            public boolean running() {
                return running && camel != null && camel.isStarted();
            }

            @Override
            public List<WorkflowState> workflows() {
                List<WorkflowState> states = new ArrayList<>();
                runners.forEach((name, runner) -> {
                    var status = camel == null ? null : camel.getRouteController().getRouteStatus(WorkflowRoute.routeId(name));
                    String state = paused.contains(name) ? "Paused" : status == null ? "Stopped" : status.name();
                    states.add(new WorkflowState(name, state,
                            runner.workflow().consumerGroup(), runner.workflow().on().topic(), runner.counters()));
                });
                return states;
            }

            @Override
            public void pause(String workflow) {
                stopWorkflow(workflow, "the admin API");
            }

            @Override
            public void resume(String workflow) {
                if (budgetGate != null && budgetGate.held(workflow)) {
                    budgetGate.release(workflow); // starts the route after a budget stop still queued
                } else {
                    startWorkflow(workflow, "the admin API");
                }
            }

            @Override
            public String bootstrapServers() {
                return bootstrapServers;
            }

            @Override
            public Map<String, String> clientProperties() {
                return clientProperties;
            }

            @Override
            public String deadLetterTopic() {
                return config.topics().deadLetter();
            }

            @Override
            public String reviewTopic() {
                return config.topics().review();
            }

            @Override
            public Map<String, Map<String, Object>> sources() {
                return sourceHealth();
            }
        };
    }

    /** Today's spend of budgeted workflows before this start, from the audit topic: a restart does not reset a budget. */
    private void restoreSpend(List<Workflow> workflows, Map<String, String> clientProperties) {
        Set<String> budgeted = new java.util.HashSet<>();
        workflows.stream().filter(workflow -> workflow.budget() != null).forEach(workflow -> {
            budgeted.add(workflow.name());
            models.budgets().register(workflow.name(), workflow.budget());
        });
        AuditSpend.today(bootstrapServers, clientProperties, config.topics().audit(), budgeted, clock).forEach((workflow, usd) -> {
            LOG.info("Workflow '{}' spent ${} on models today before this start (from {})", workflow, String.format("%.4f", usd),
                    config.topics().audit());
            models.budgets().record(workflow, usd);
        });
    }

    /** Stops a workflow's route: it commits nothing new and leaves the group; started again, it rejoins at the committed offsets. */
    private void stopWorkflow(String workflow, String by) {
        try {
            // Stop rather than suspend: camel-kafka's batching consumer does not pick up again after a resume.
            paused.add(workflow);
            camel.getRouteController().stopRoute(WorkflowRoute.routeId(workflow));
            LOG.info("Workflow {} paused by {}", workflow, by);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot pause " + workflow + ": " + e.getMessage(), e);
        }
    }

    private void startWorkflow(String workflow, String by) {
        try {
            camel.getRouteController().startRoute(WorkflowRoute.routeId(workflow));
            paused.remove(workflow);
            LOG.info("Workflow {} resumed by {}", workflow, by);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot resume " + workflow + ": " + e.getMessage(), e);
        }
    }

    /** The model registry: models, endpoints, budgets and cache, shared by every workflow. */
    public ModelRegistry models() {
        return models;
    }

    private dev.switchboard.schemas.spi.SourceEnvironment sourceEnvironment() {
        return new dev.switchboard.schemas.spi.SourceEnvironment() {
            @Override
            public Path baseDir() {
                return config.baseDir();
            }

            @Override
            public Path stateDir(String sourceName) {
                return config.baseDir().resolve(".switchboard/sources").resolve(sourceName);
            }

            @Override
            public Optional<String> secret(String name) {
                return secrets.apply(name);
            }

            @Override
            public dev.switchboard.schemas.spi.EventPublisher events() {
                return eventPublisher;
            }

            @Override
            public Set<String> allowedCamelSchemes() {
                return Set.copyOf(config.outbound().camelSchemes() == null ? List.of() : config.outbound().camelSchemes());
            }

            @Override
            public Set<String> allowedHosts() {
                return Set.copyOf(config.outbound().allowedHosts() == null ? List.of() : config.outbound().allowedHosts());
            }

            @Override
            public dev.switchboard.schemas.spi.HttpIngress http() {
                if (http == null) {
                    throw new IllegalStateException("The HTTP listener is off (http.port: -1); webhook sources need it");
                }
                return http;
            }
        };
    }

    /** Counters by stage: {@code workflow.<name>} and {@code delivery}. */
    public Map<String, Map<String, Long>> counters() {
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        runners.forEach((name, runner) -> counters.put("workflow." + name, runner.counters()));
        if (delivery != null) {
            counters.put("delivery", delivery.counters());
        }
        return counters;
    }

    private void createTopics(List<Workflow> workflows, Map<String, String> clientProperties) throws InterruptedException {
        Set<String> topics = new LinkedHashSet<>();
        workflows.forEach(workflow -> topics.add(workflow.on().topic()));
        topics.add(config.topics().tasks());
        topics.add(config.topics().deadLetter());
        topics.add(config.topics().deliveries());
        topics.add(config.topics().review());
        topics.add(config.topics().audit());
        topics.add(config.topics().audit());
        topics.addAll(streams.topics(workflows));
        createTopics(bootstrapServers, clientProperties, topics, config.kafka().partitions(),
                config.kafka().replicationFactor().shortValue());
    }

    /** Creates the topics that do not exist yet. */
    public static void createTopics(String bootstrapServers, Map<String, String> clientProperties, Set<String> topics,
                                    int partitions, short replicationFactor) throws InterruptedException {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(properties)) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 30 s", e);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (budgetGate != null) {
            budgetGate.close();
        }
        streams.close();
        if (http != null) {
            http.close();
            http = null;
        }
        for (dev.switchboard.schemas.spi.Source source : sources) {
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.warn("Stopping source {}: {}", source.name(), e.getMessage());
            }
        }
        sources.clear();
        if (eventPublisher != null) {
            eventPublisher.close();
            eventPublisher = null;
        }
        if (camel != null) {
            try {
                camel.stop();
            } catch (RuntimeException e) {
                LOG.warn("Stopping Camel: {}", e.getMessage());
            }
            camel = null;
        }
        if (delivery != null) {
            delivery.close();
        }
        runners.values().forEach(WorkflowRunner::close);
        runners.clear();
        sinks.forEach(TaskSink::close);
        sinks.clear();
        if (writer != null) {
            writer.close();
            writer = null;
        }
        if (kafkaWatch != null) {
            kafkaWatch.close();
            kafkaWatch = null;
        }
        if (reviewWatch != null) {
            reviewWatch.close();
            reviewWatch = null;
        }
        models.close();
        if (openTelemetry instanceof java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (java.io.IOException e) {
                LOG.warn("Closing tracing: {}", e.getMessage());
            }
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
