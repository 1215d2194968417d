package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.ModelCall;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Trace context for events: read from the Kafka header {@code traceparent} or the CloudEvents
 * distributed-tracing attribute {@code traceparent}, continued through a span per step and per
 * model call (GenAI semantic conventions), and written on as a header of tasks and of sink requests.
 * With the no-op OpenTelemetry nothing is recorded, but an incoming trace id is still passed on.
 */
public final class Tracing {

    public static final String HEADER = "traceparent";
    static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
    private static final TextMapSetter<Map<String, String>> MAP_SETTER = Map::put;

    private final Tracer tracer;

    public Tracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.switchboard", "0.1.0");
    }

    public static Tracing noop() {
        return new Tracing(OpenTelemetry.noop());
    }

    /** The parent context of an event: its Kafka header first, else its CloudEvents {@code traceparent} attribute. */
    public static Context parent(Headers headers, Object eventTraceparent) {
        String value = header(headers);
        if (value == null && eventTraceparent instanceof String text) {
            value = text;
        }
        if (value == null) {
            return Context.root();
        }
        Map<String, String> carrier = new HashMap<>();
        carrier.put(HEADER, value);
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, MAP_GETTER);
    }

    static String header(Headers headers) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The {@code traceparent} of a context, or null when it carries no valid span. */
    public static String traceparent(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(context, carrier, MAP_SETTER);
        return carrier.get(HEADER);
    }

    public Span start(String name, SpanKind kind, Context parent, Map<String, String> attributes) {
        var builder = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
        attributes.forEach(builder::setAttribute);
        return builder.startSpan();
    }

    /** A span for a model call that already happened, back-dated by its latency. */
    public void modelCall(Context parent, ModelCall call) {
        Instant end = Instant.now();
        long micros = (long) (call.latencyMillis() * 1000);
        Span span = tracer.spanBuilder("chat " + (call.model() == null ? call.provider() : call.model()))
                .setSpanKind(SpanKind.CLIENT)
                .setParent(parent)
                .setStartTimestamp(end.minus(micros, ChronoUnit.MICROS))
                .setAttribute(GEN_AI_SYSTEM, call.provider())
                .setAttribute(GEN_AI_OPERATION, "chat")
                .setAttribute(GEN_AI_REQUEST_MODEL, call.model() == null ? "" : call.model())
                .setAttribute(GEN_AI_RESPONSE_MODEL, call.model() == null ? "" : call.model())
                .setAttribute(GEN_AI_INPUT_TOKENS, call.tokensIn())
                .setAttribute(GEN_AI_OUTPUT_TOKENS, call.tokensOut())
                .setAttribute("switchboard.prompt.version", call.promptVersion() == null ? "" : call.promptVersion())
                .setAttribute("switchboard.cost.usd", call.costUsd())
                .setAttribute("switchboard.cache.hit", call.cacheHit())
                .startSpan();
        if (!"ok".equals(call.outcome())) {
            span.setStatus(StatusCode.ERROR, call.outcome());
        }
        span.end(end);
    }
}
