package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.http.HttpRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The delivery every HTTP sink shares, as one template: read the credential now (a rotated file
 * takes effect at once), let the sink build its request or decide without one, send it under the
 * outbound policy, and read the answer: 2xx is delivered, the destination's own "I already have
 * this task" is delivered, anything else maps as {@link HttpDelivery#result} says unless the sink
 * knows its vendor better. Every reason passes through a redactor that knows the credential.
 */
public abstract class HttpTaskSink implements TaskSink {

    protected static final ObjectMapper JSON = new ObjectMapper();

    /** What a sink makes of a task before anything is sent: a request, or a result decided without one. */
    protected sealed interface Prepared permits Send, Decided {
    }

    /** Send this request. */
    protected record Send(HttpRequest request) implements Prepared {
    }

    /** Nothing to send: the task is rejected already, or the destination has it already. */
    protected record Decided(DeliveryResult result) implements Prepared {
    }

    /** The credential of this delivery, read at its start (null when the sink has none), and the redactor that hides it. */
    protected record Call(String credential, Redactor redactor) {
    }

    /**
     * The secret a sink sends, and what it is called in a message.
     *
     * @param label "HubSpot token", "Signing secret"
     */
    protected record Credential(String label, Secret secret) {
    }

    private final String name;
    private final Optional<Credential> credential;
    private final Redactor redactor;
    protected final HttpDelivery http;

    /** @param redactor hides what the sink's configuration makes secret besides the credential (a hook URL's path) */
    protected HttpTaskSink(String name, Optional<Credential> credential, Redactor redactor, HttpDelivery http) {
        this.name = name;
        this.credential = credential;
        this.redactor = redactor;
        this.http = http;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final DeliveryResult deliver(Task task) {
        Call call = new Call(null, redactor);
        if (credential.isPresent()) {
            Secret secret = credential.get().secret();
            Optional<String> value = secret.value();
            if (value.isEmpty()) {
                return new DeliveryResult.Retry(credential.get().label() + " from " + secret.describe() + " is not available", null);
            }
            call = new Call(value.get(), redactor.and(value.get()).and(credentialForms(value.get())));
        }
        Prepared prepared = prepare(task, call);
        if (prepared instanceof Decided decided) {
            return decided.result();
        }
        HttpDelivery.Outcome outcome = http.send(((Send) prepared).request(), call.redactor());
        if (outcome instanceof HttpDelivery.Failure failure) {
            return failure.result();
        }
        HttpDelivery.Answer answer = (HttpDelivery.Answer) outcome;
        if (answer.successful()) {
            return new DeliveryResult.Delivered(delivered(answer));
        }
        Optional<String> already = alreadyDelivered(answer, task);
        if (already.isPresent()) {
            return new DeliveryResult.Delivered(already.get());
        }
        return failed(answer, task, call.redactor());
    }

    /**
     * What the credential looks like on the wire besides itself, such as the base64 of a Basic
     * {@code Authorization} header, so that a destination quoting the header back is redacted too.
     */
    protected String[] credentialForms(String credential) {
        return new String[0];
    }

    /** The request for one task, or the result when there is nothing to send. */
    protected abstract Prepared prepare(Task task, Call call);

    /** The detail of a 2xx answer. */
    protected String delivered(HttpDelivery.Answer answer) {
        return "HTTP " + answer.status();
    }

    /** The detail when a failed answer says the destination has the task already (a unique id refused a second one). */
    protected Optional<String> alreadyDelivered(HttpDelivery.Answer answer, Task task) {
        return Optional.empty();
    }

    /** The result of any other answer: retried or rejected as {@link HttpDelivery#result} decides, with the vendor's message. */
    protected DeliveryResult failed(HttpDelivery.Answer answer, Task task, Redactor redactor) {
        return HttpDelivery.result(answer, this::errorMessage, redactor);
    }

    /**
     * What a look-up before the write (a GET: does the destination have this task already?) gave: the answer, or the
     * result that ends the task, when the request failed or the answer is not a 2xx ({@link #failed}).
     */
    protected record Lookup(HttpDelivery.Answer answer, DeliveryResult failure) {

        /** The answer's JSON body. */
        public JsonNode json() {
            return HttpTaskSink.json(answer.body());
        }
    }

    /** Sends a look-up request; see {@link Lookup}. */
    protected Lookup lookUp(HttpRequest request, Task task, Call call) {
        HttpDelivery.Outcome outcome = http.send(request, call.redactor());
        if (outcome instanceof HttpDelivery.Failure failure) {
            return new Lookup(null, failure.result());
        }
        HttpDelivery.Answer answer = (HttpDelivery.Answer) outcome;
        return new Lookup(answer, answer.successful() ? null : failed(answer, task, call.redactor()));
    }

    /** The vendor's message in its documented error body; the body itself when it has none. */
    protected String errorMessage(String body) {
        return body;
    }

    /**
     * The message of a JSON error body that carries it in {@code field}, followed by what {@code details}
     * adds from the same body; the body itself when it has no such message.
     */
    protected static String jsonError(String body, String field, Function<JsonNode, String> details) {
        JsonNode error = json(body);
        String message = error.path(field).asText("");
        return message.isEmpty() ? body : message + details.apply(error);
    }

    /** A base URL as configured, without a trailing slash, for API paths to follow. */
    static String base(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A JSON answer body, or a missing node when it is empty or not JSON. */
    protected static JsonNode json(String body) {
        try {
            return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }
}
