package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Recorded vendor payloads under {@code src/test/resources/webhooks/}, and the form encodings the mail providers post. */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/webhooks/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture webhooks/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        try {
            return JSON.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A form post: fields, then files, as {@code multipart/form-data}. */
    public static final class Form {
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final Map<String, String[]> files = new LinkedHashMap<>();
        private final String boundary = "xYzZY" + UUID.randomUUID().toString().replace("-", "");

        /** The fields and files of a fixture shaped {"fields": {…}, "files": [{field, filename, content_type, content}]}. */
        public static Form fixture(String name) {
            Form form = new Form();
            JsonNode node = json(name);
            node.path("fields").fields().forEachRemaining(field -> form.field(field.getKey(), field.getValue().asText()));
            node.path("files").forEach(file -> form.file(file.path("field").asText(), file.path("filename").asText(),
                    file.path("content_type").asText(), file.path("content").asText()));
            return form;
        }

        public Form field(String name, String value) {
            fields.put(name, value);
            return this;
        }

        public Form remove(String name) {
            fields.remove(name);
            files.remove(name);
            return this;
        }

        public Form file(String field, String filename, String contentType, String content) {
            files.put(field, new String[] {filename, contentType, content});
            return this;
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        public byte[] multipart() {
            StringBuilder body = new StringBuilder();
            fields.forEach((name, value) -> body.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                    .append(value.replace("\r\n", "\n").replace("\n", "\r\n")).append("\r\n"));
            files.forEach((name, file) -> body.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(name).append("\"; filename=\"").append(file[0]).append("\"\r\n")
                    .append("Content-Type: ").append(file[1]).append("\r\n\r\n")
                    .append(file[2]).append("\r\n"));
            body.append("--").append(boundary).append("--\r\n");
            return body.toString().getBytes(StandardCharsets.UTF_8);
        }

        public byte[] urlEncoded() {
            StringBuilder body = new StringBuilder();
            fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&")
                    .append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
            return body.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
