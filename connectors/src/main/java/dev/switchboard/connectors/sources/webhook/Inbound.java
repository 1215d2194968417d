package dev.switchboard.connectors.sources.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.internal.FormData;
import dev.switchboard.connectors.sources.internal.MediaType;
import dev.switchboard.schemas.events.ExactJson;
import dev.switchboard.schemas.spi.HttpIngress;
import java.io.IOException;
import java.util.List;

/** One request as a mapping sees it: the raw request, its media type, and its body read as JSON or form on demand. */
public final class Inbound {

    /** Numbers read exactly, so the event published carries the numbers the sender signed. */
    private static final ObjectMapper JSON = ExactJson.mapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private final HttpIngress.Request request;
    private final MediaType mediaType;
    private FormData form;

    Inbound(HttpIngress.Request request, MediaType mediaType) {
        this.request = request;
        this.mediaType = mediaType;
    }

    public HttpIngress.Request request() {
        return request;
    }

    public MediaType mediaType() {
        return mediaType;
    }

    public String header(String name) {
        return request.header(name);
    }

    public String query(String name) {
        List<String> values = request.query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body as one JSON value (duplicate keys and deep nesting refused). */
    public JsonNode json() throws BadPayload {
        try {
            JsonNode node = JSON.readTree(request.body());
            if (node == null || node.isMissingNode()) {
                throw new BadPayload("Empty body: expected JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            int newline = message.indexOf('\n');
            throw new BadPayload("Body is not valid JSON: " + (newline < 0 ? message : message.substring(0, newline))
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new BadPayload("Body is not valid JSON: " + e.getMessage());
        }
    }

    /** The body as one JSON object. */
    public ObjectNode jsonObject() throws BadPayload {
        JsonNode node = json();
        if (!(node instanceof ObjectNode object)) {
            throw new BadPayload("Body is a JSON " + node.getNodeType().name().toLowerCase() + ": expected an object");
        }
        return object;
    }

    /** The body as form fields and files. */
    public FormData form() throws BadPayload {
        if (form == null) {
            try {
                form = FormData.parse(mediaType, request.body());
            } catch (FormData.MalformedFormException e) {
                throw new BadPayload("Malformed form body: " + e.getMessage());
            }
        }
        return form;
    }

    /** A form field as text, or null when the body is no form or has no such field (for signatures carried in fields). */
    String formField(String name) {
        try {
            return form().text(name);
        } catch (BadPayload e) {
            return null;
        }
    }
}
