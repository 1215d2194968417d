package dev.switchboard.schemas.spi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * An HTTP listener of the engine. Sources register a handler on a path of the public listener; the
 * listener gives them the raw body (for signature checks), bounded in size, and sends back what they
 * answer. Handlers may block (a webhook waits for Kafka's acknowledgement): they run on a bounded pool
 * of worker threads, never on the threads that read and write connections.
 */
public interface HttpIngress {

    /** One request as received. Header names are lower case. */
    record Request(String method, String path, Map<String, List<String>> headers, Map<String, List<String>> query,
                   byte[] body, String remoteAddress) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** What to answer; {@code headers} are set on the answer as given (a cookie, a content policy). */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

        public Response {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }

        public static Response json(int status, String json) {
            return new Response(status, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * An error body in the shape {"error": "..."}, written by Jackson so that whatever the message
         * echoes (a path, a header) stays one JSON string; the message must not echo secrets.
         */
        public static Response error(int status, String message) {
            return json(status, JsonNodeFactory.instance.objectNode().put("error", message).toString());
        }
    }

    /** Handles requests to one path. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws Exception;
    }

    /**
     * Handles requests to one path on a worker thread and answers when the stage it returns completes: a
     * handler that waits for something (a webhook, for Kafka's acknowledgement) holds no thread meanwhile.
     */
    @FunctionalInterface
    interface AsyncHandler {
        CompletionStage<Response> handle(Request request) throws Exception;
    }

    /**
     * Routes requests for {@code path} (exact match) to the handler.
     *
     * @param maxBodyBytes larger bodies are refused with 413 before the handler runs
     */
    void route(String path, int maxBodyBytes, Handler handler);

    /**
     * Routes requests for {@code path} (exact match) to a handler that answers later. A listener that
     * cannot answer later waits for the answer on its worker thread.
     *
     * @param maxBodyBytes larger bodies are refused with 413 before the handler runs
     */
    default void routeAsync(String path, int maxBodyBytes, AsyncHandler handler) {
        route(path, maxBodyBytes, request -> handler.handle(request).toCompletableFuture().get());
    }

    /**
     * Routes requests for {@code path} to a handler that answers at once from memory (health): it runs
     * on the listener's I/O thread, so it answers even while every worker is busy. It must never block.
     * Bodies over 64 KiB are refused with 413.
     */
    default void routeInline(String path, Handler handler) {
        route(path, 64 * 1024, handler);
    }
}
