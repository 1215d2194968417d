package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.TracingSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.Closeable;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the OpenTelemetry SDK from {@code tracing:}; the no-op implementation when no endpoint is set. */
final class TracingSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TracingSetup.class);

    private TracingSetup() {
    }

    static OpenTelemetry openTelemetry(TracingSettings settings) {
        if (!settings.enabled()) {
            return OpenTelemetry.noop();
        }
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"),
                settings.serviceName())));
        double ratio = settings.sampleRatio();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(settings.otlpEndpoint())
                        .build()).build())
                .build();
        return OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** Flushes and closes an SDK (its exporter's last spans); a no-op or caller-owned instance that is not closeable is left alone. */
    static void close(OpenTelemetry openTelemetry) {
        if (openTelemetry instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.warn("Closing tracing: {}", e.getMessage());
            }
        }
    }
}
