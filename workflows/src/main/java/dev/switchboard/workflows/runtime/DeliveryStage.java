package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import dev.switchboard.workflows.config.EngineConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The delivery stage as a service: the configured sinks and the {@link TaskDelivery} route, in a Camel context of its own. */
final class DeliveryStage implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStage.class);

    private final EngineConfig config;
    private final SinkEnvironment sinkEnvironment;
    private final StageContext stage;
    private final Map<String, TaskSink> sinks = new LinkedHashMap<>();
    private TaskDelivery delivery;
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
            delivery = new TaskDelivery(config.topics(), sinks, new Retries(RetryPolicy.of(config.delivery()),
                    WaitBudget.limit(stage.kafka().clientProperties()), WaitBudget.Timer.SYSTEM), stage);
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
        if (delivery != null) {
            delivery.close();
        }
        sinks.values().forEach(TaskSink::close);
        sinks.clear();
    }

    /** Counts: delivered, dead_letters, attempts, retries. */
    Map<String, Long> counters() {
        return delivery == null ? Map.of() : delivery.counters();
    }
}
