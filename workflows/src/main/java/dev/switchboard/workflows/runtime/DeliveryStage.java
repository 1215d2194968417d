package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import dev.switchboard.workflows.config.EngineConfig;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stage as a service: the configured sinks, the {@link TaskDelivery} route (first
 * attempts, in a Camel context of its own) and the {@link RetryStage} (later attempts, when due).
 */
final class DeliveryStage implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStage.class);

    private final EngineConfig config;
    private final SinkEnvironment sinkEnvironment;
    private final StageContext stage;
    private final Map<String, TaskSink> sinks = new LinkedHashMap<>();
    private TaskSender sender;
    private TaskDelivery delivery;
    private RetryStage retries;
    private CamelContext camel;

    DeliveryStage(EngineConfig config, SinkEnvironment sinkEnvironment, StageContext stage) {
        this.config = config;
        this.sinkEnvironment = sinkEnvironment;
        this.stage = stage;
    }

    @Override
    public void start() throws Exception {
        try {
            for (EngineConfig.SinkSpec spec : config.sinks().values()) {
                sinks.put(spec.name(), spec.factory().create(spec.name(), spec.options(), sinkEnvironment));
            }
            Map<String, RetryPolicy> policies = new LinkedHashMap<>();
            sinks.keySet().forEach(sink -> policies.put(sink, RetryPolicy.of(config.delivery().policy(sink))));
            sender = new TaskSender(config.topics(), sinks, policies::get, stage, Clock.systemUTC());
            delivery = new TaskDelivery(sender);
            retries = new RetryStage(sender);
            retries.start();
            camel = KafkaEndpoints.context(stage.kafka());
            camel.addRoutes(delivery);
            camel.start();
            LOG.info("Delivery to sinks {}", sinks.keySet());
        } catch (Exception e) {
            stop();
            throw e;
        }
    }

    @Override
    public void stop() {
        if (camel != null) {
            camel.stop();
            camel = null;
        }
        if (retries != null) {
            retries.stop();
            retries = null;
        }
        if (delivery != null) {
            delivery.close();
        }
        sinks.values().forEach(TaskSink::close);
        sinks.clear();
    }

    /** Counts: delivered, dead_letters, attempts, retries. */
    Map<String, Long> counters() {
        return sender == null ? Map.of() : sender.counters();
    }

    /** The retry topics of a tasks topic, for the engine to create. */
    static List<String> retryTopics(String tasksTopic) {
        return new RetryTopics(tasksTopic).all();
    }
}
