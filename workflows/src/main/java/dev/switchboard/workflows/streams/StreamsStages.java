package dev.switchboard.workflows.streams;

import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.workflows.config.KafkaSettings;
import dev.switchboard.workflows.config.StreamsSettings;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.ScheduleTrigger;
import dev.switchboard.workflows.model.Trigger;
import dev.switchboard.workflows.model.TriggerChecks;
import dev.switchboard.workflows.model.WindowTrigger;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.streams.StreamsNames.EngineStage;
import dev.switchboard.workflows.streams.StreamsNames.WorkflowStage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's Kafka Streams stages: dedup and CRM tables when {@code streams:} configures them, and
 * one stage per workflow with {@code on.window} or {@code on.schedule}. Such a workflow's route then
 * reads the topic its stage writes ({@link #effective}), so its steps run once per fired window or
 * digest, with the same outbox, dead letters and exactly-once delivery as any workflow.
 */
public final class StreamsStages implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsStages.class);

    private final StreamsSettings settings;
    private final Topics topics;
    private final KafkaSettings kafka;
    private final Path stateDir;
    private final StreamsObserver observer;
    private final CrmTables crm;
    private final InvoiceRegisterTable invoices;
    private final Map<String, StreamsStage> stages = new LinkedHashMap<>();

    /**
     * @param baseDir  the engine configuration's folder; the state folder resolves against it
     * @param secrets  looks up the peer token by environment variable name
     * @param registry where {@code switchboard.streams.events} is counted
     */
    public StreamsStages(StreamsSettings settings, Topics topics, KafkaSettings kafka, Path baseDir,
                         Function<String, Optional<String>> secrets, MeterRegistry registry) {
        this.settings = settings == null ? StreamsSettings.defaults() : settings;
        this.topics = topics;
        this.kafka = kafka;
        this.stateDir = baseDir.resolve(this.settings.stateDir());
        this.observer = registry == null ? StreamsObserver.NONE : counters(registry);
        this.crm = this.settings.crm() == null ? null : new CrmTables(
                Duration.ofSeconds(this.settings.crm().waitSeconds()), () -> secrets.apply(this.settings.peerTokenEnv()));
        this.invoices = this.settings.invoices() == null ? null
                : new InvoiceRegisterTable(Duration.ofSeconds(this.settings.invoices().waitSeconds()));
    }

    /** The invoice register for steps, or empty when {@code kafka.streams.invoices} is not configured. */
    public Optional<InvoiceRegisterTable> invoices() {
        return Optional.ofNullable(invoices);
    }

    /** The CRM tables for steps, or empty when {@code kafka.streams.crm} is not configured. */
    public Optional<CrmTables> crm() {
        return Optional.ofNullable(crm);
    }

    /** Whether a workflow is started by a stage rather than by its events directly. */
    public static boolean derived(Workflow workflow) {
        return workflow.on().window() != null || workflow.on().schedule() != null;
    }

    /** The workflow as its route runs it: a windowed or scheduled one reads its stage's topic, from the start. */
    public static Workflow effective(Workflow workflow) {
        Trigger on = workflow.on();
        if (on.window() != null) {
            return workflow.withTrigger(new Trigger(WorkflowStage.WINDOW.topic(workflow.name()),
                    List.of(WindowTrigger.FIRED_TYPE), null, "earliest", null, null));
        }
        if (on.schedule() != null && on.schedule().overdue() != null) {
            return workflow.withTrigger(new Trigger(WorkflowStage.OVERDUE.topic(workflow.name()),
                    List.of(ScheduleTrigger.OVERDUE_TYPE), null, "earliest", null, null));
        }
        if (on.schedule() != null) {
            return workflow.withTrigger(new Trigger(WorkflowStage.DIGEST.topic(workflow.name()),
                    List.of(ScheduleTrigger.DIGEST_TYPE), null, "earliest", null, null));
        }
        return workflow;
    }

    /** The application ids (consumer groups) of the stages that {@link #start} will run, for lag metrics. */
    public List<String> applicationIds(List<Workflow> workflows) {
        List<String> ids = new ArrayList<>();
        if (settings.dedup() != null) {
            ids.add(EngineStage.DEDUP.application());
        }
        if (crm != null) {
            ids.add(EngineStage.CRM.application());
        }
        if (invoices != null) {
            ids.add(EngineStage.INVOICES.application());
        }
        if (settings.reconcile() != null) {
            ids.add(EngineStage.RECONCILE.application());
        }
        for (Workflow workflow : workflows) {
            if (workflow.on().window() != null) {
                ids.add(WorkflowStage.WINDOW.application(workflow.name()));
            }
            if (workflow.on().schedule() != null) {
                ids.add(workflow.on().schedule().overdue() != null ? WorkflowStage.OVERDUE.application(workflow.name())
                        : WorkflowStage.DIGEST.application(workflow.name()));
            }
        }
        return ids;
    }

    /** The topics the stages read and write that must exist before they start. */
    public Set<String> topics(List<Workflow> workflows) {
        Set<String> needed = new LinkedHashSet<>();
        if (settings.dedup() != null) {
            needed.add(settings.dedup().input());
            needed.add(settings.dedup().output());
        }
        if (settings.crm() != null) {
            needed.addAll(settings.crm().topics());
        }
        if (settings.invoices() != null) {
            needed.addAll(settings.invoices().topics()); // the register topic is created compacted when the stage starts
        }
        if (settings.reconcile() != null) {
            needed.addAll(settings.reconcile().topics());
            needed.add(settings.reconcile().output());
            needed.add(settings.reconcile().openInvoices());
        }
        for (Workflow workflow : workflows) {
            if (workflow.on().window() != null) {
                needed.add(workflow.on().topic());
                needed.add(WorkflowStage.WINDOW.topic(workflow.name()));
            }
            ScheduleTrigger schedule = workflow.on().schedule();
            if (schedule != null && schedule.overdue() != null) {
                needed.add(settings.openInvoicesTopic());
                needed.add(WorkflowStage.OVERDUE.topic(workflow.name()));
            } else if (schedule != null) {
                needed.add(topics.tasks());
                needed.add(topics.deliveries());
                needed.add(topics.audit());
                needed.add(topics.review());
                needed.add(WorkflowStage.DIGEST.topic(workflow.name()));
                if (schedule.business() != null) {
                    needed.addAll(schedule.business());
                    needed.add(settings.openInvoicesTopic());
                }
            }
        }
        return needed;
    }

    /** The topics that hold a table, one value per key, which Kafka must compact rather than delete by age. */
    public Set<String> compactedTopics() {
        return settings.reconcile() == null ? Set.of() : Set.of(settings.reconcile().openInvoices());
    }

    /**
     * Starts every stage.
     *
     * @param advertised this instance's HTTP address for CRM lookups by other instances, or null when the listener is off
     */
    public synchronized void start(List<Workflow> workflows, String bootstrapServers, Map<String, String> clientProperties,
                                   HostInfo advertised) {
        short replication = kafka.replicationFactor().shortValue();
        if (settings.dedup() != null) {
            StreamsSettings.Dedup dedup = settings.dedup();
            add(EngineStage.DEDUP.application(), DedupTopology.build(dedup.input(), dedup.output(),
                    TriggerChecks.duration(dedup.window()), dedup.key(), observer),
                    StreamsStage.properties(EngineStage.DEDUP.application(), bootstrapServers, clientProperties, stateDir, replication,
                            "earliest", Map.of()));
        }
        if (crm != null) {
            Map<String, String> overrides = new LinkedHashMap<>();
            if (advertised != null) {
                overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
            }
            StreamsStage stage = add(EngineStage.CRM.application(), CrmTopology.build(settings.crm().topics(), observer),
                    StreamsStage.properties(EngineStage.CRM.application(), bootstrapServers, clientProperties, stateDir, replication,
                            "earliest", overrides));
            crm.bind(stage.streams(), advertised);
            if (advertised != null && !crm.hasSharedToken()) {
                LOG.info("No peer token in {}: {} answers no other instance. Running more than one instance? "
                        + "Set {} to the same secret on every one", settings.peerTokenEnv(), CrmTables.PATH, settings.peerTokenEnv());
            }
        }
        if (invoices != null) {
            InvoiceRegisterTopology.createRegisterTopic(bootstrapServers, clientProperties, replication);
            StreamsStage stage = add(EngineStage.INVOICES.application(), InvoiceRegisterTopology.build(settings.invoices().topics(),
                            StreamsNames.INVOICE_REGISTER_TOPIC, observer),
                    StreamsStage.properties(EngineStage.INVOICES.application(), bootstrapServers, clientProperties, stateDir, replication,
                            "earliest", Map.of()));
            invoices.bind(stage.streams());
        }
        if (settings.reconcile() != null) {
            add(EngineStage.RECONCILE.application(), ReconcileTopology.build(reconcileSettings(settings.reconcile()), observer,
                            CloudEventsKafka.Mode.of(kafka.cloudEventsMode())),
                    StreamsStage.properties(EngineStage.RECONCILE.application(), bootstrapServers, clientProperties, stateDir, replication,
                            "earliest", Map.of()));
        }
        for (Workflow workflow : workflows) {
            Trigger on = workflow.on();
            if (on.window() != null) {
                String application = WorkflowStage.WINDOW.application(workflow.name());
                add(application, WindowTopology.build(workflow.name(), on.topic(), Set.copyOf(on.types()), on.filter(), on.window(),
                        WorkflowStage.WINDOW.topic(workflow.name()), observer, CloudEventsKafka.Mode.of(kafka.cloudEventsMode())),
                        StreamsStage.properties(application, bootstrapServers, clientProperties, stateDir, replication, on.start(), Map.of()));
            }
            if (on.schedule() != null && on.schedule().overdue() != null) {
                String application = WorkflowStage.OVERDUE.application(workflow.name());
                // the open invoices are a table: always read from the start, whatever on.start says
                add(application, OverdueTopology.build(workflow.name(), on.schedule(), settings.openInvoicesTopic(),
                                WorkflowStage.OVERDUE.topic(workflow.name()), observer, CloudEventsKafka.Mode.of(kafka.cloudEventsMode())),
                        StreamsStage.properties(application, bootstrapServers, clientProperties, stateDir, replication, "earliest", Map.of()));
            } else if (on.schedule() != null) {
                String application = WorkflowStage.DIGEST.application(workflow.name());
                add(application, DigestTopology.build(workflow.name(), on.schedule(), new DigestTopology.Sources(topics.tasks(),
                                topics.deliveries(), topics.audit(), topics.review(), businessTopics(on.schedule()), settings.openInvoicesTopic()),
                        WorkflowStage.DIGEST.topic(workflow.name()), observer, CloudEventsKafka.Mode.of(kafka.cloudEventsMode())),
                        StreamsStage.properties(application, bootstrapServers, clientProperties, stateDir, replication, on.start(), Map.of()));
            }
        }
    }

    /** The topics a digest's business half reads: those named, less the engine topics it reads anyway, each once. */
    private List<String> businessTopics(ScheduleTrigger schedule) {
        if (schedule.business() == null) {
            return List.of();
        }
        Set<String> read = Set.of(topics.tasks(), topics.deliveries(), topics.audit(), topics.review(), settings.openInvoicesTopic());
        return schedule.business().stream().filter(topic -> !read.contains(topic)).distinct().toList();
    }

    static ReconcileTopology.Settings reconcileSettings(StreamsSettings.Reconcile reconcile) {
        return new ReconcileTopology.Settings(reconcile.topics(), reconcile.output(), reconcile.openInvoices(),
                java.math.BigDecimal.valueOf(reconcile.amountTolerance()), TriggerChecks.duration(reconcile.unmatchedAfter()));
    }

    private StreamsStage add(String application, Topology topology, Properties properties) {
        StreamsStage stage = StreamsStage.start(application, topology, properties);
        stages.put(application, stage);
        return stage;
    }

    /** The stages by application id. */
    public synchronized Map<String, StreamsStage> stages() {
        return Map.copyOf(stages);
    }

    /** Waits until every stage runs; false when one did not within the timeout. */
    public boolean awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (StreamsStage stage : new ArrayList<>(stages().values())) {
            if (!stage.awaitRunning(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        for (StreamsStage stage : stages.values()) {
            try {
                stage.close();
            } catch (RuntimeException e) {
                LOG.warn("Stopping stage {}: {}", stage.applicationId(), e.getMessage());
            }
        }
        stages.clear();
    }

    private static StreamsObserver counters(MeterRegistry registry) {
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        return (stage, outcome) -> counters.computeIfAbsent(stage + '\u0000' + outcome, key -> Counter.builder("switchboard.streams.events")
                .description("Records through the Kafka Streams stages, by stage and outcome (dedup: passed, dropped, unparsed, unkeyed)")
                .tag("stage", stage).tag("outcome", outcome).register(registry)).increment();
    }
}
