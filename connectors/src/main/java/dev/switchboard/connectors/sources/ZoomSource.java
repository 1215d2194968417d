package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.SecretValue;
import dev.switchboard.connectors.sources.webhook.Accepts;
import dev.switchboard.connectors.sources.webhook.BadPayload;
import dev.switchboard.connectors.sources.webhook.Inbound;
import dev.switchboard.connectors.sources.webhook.Mapped;
import dev.switchboard.connectors.sources.webhook.WebhookEndpoint;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Zoom's {@code recording.transcript_completed} webhooks as {@code call.completed} events, the transcript fetched
 * from Zoom; and Zoom's endpoint validation answered. {@link WebhookEndpoint} checks the signature of every request
 * first, the validation's included, so the source never signs a token for someone without the secret.
 */
public final class ZoomSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("zoom", Set.of(Scheme.ZOOM), Scheme.ZOOM, Accepts.JSON);
    static final String UNKNOWN_SPEAKER = "Unknown speaker";
    /** Zoom's plain tokens are short url-safe random strings; anything else is not a validation Zoom sends. */
    private static final Pattern PLAIN_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The limits of call.completed.schema.json. */
    private static final int MAX_TURNS = 5000;
    private static final int MAX_TEXT = 20000;

    private final byte[] secretToken;
    private final String language;
    private final TranscriptDownload download;

    ZoomSource(String name, ZoomSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
        var auth = options.listener().options().auth();
        this.secretToken = SecretValue.read(auth.secretEnv(), auth.secretFile(), environment).orElseThrow().getBytes(StandardCharsets.UTF_8);
        this.language = options.language();
        this.download = new TranscriptDownload(new OutboundPolicy(environment.allowedHosts()),
                Duration.ofSeconds(options.downloadTimeoutSeconds()), options.maxTranscriptBytes());
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        ObjectNode body = inbound.jsonObject();
        String event = text(body.get("event"));
        if ("endpoint.url_validation".equals(event)) {
            return validation(body.path("payload").path("plainToken"));
        }
        if (!"recording.transcript_completed".equals(event)) {
            return Mapped.ignored("Zoom event " + event + " is not recording.transcript_completed");
        }
        JsonNode meeting = body.path("payload").path("object");
        String uuid = text(meeting.get("uuid"));
        JsonNode file = transcriptFile(meeting.path("recording_files"));
        String token = text(body.get("download_token")) != null ? text(body.get("download_token")) : text(body.path("payload").get("download_token"));
        if (uuid == null || file == null || text(file.get("download_url")) == null) {
            throw new BadPayload("Zoom recording.transcript_completed without " + (uuid == null ? "payload.object.uuid"
                    : "a TRANSCRIPT file with a download_url in payload.object.recording_files"));
        }
        URI url;
        try {
            url = URI.create(text(file.get("download_url")));
        } catch (IllegalArgumentException e) {
            throw new BadPayload("Zoom recording file download_url is not a URL");
        }
        TranscriptDownload.Result fetched = download.fetch(url, token);
        if (fetched instanceof TranscriptDownload.Unavailable unavailable) {
            return Mapped.unavailable(unavailable.reason());
        }
        if (fetched instanceof TranscriptDownload.Refused refused) {
            throw new BadPayload(refused.reason());
        }
        List<WebVttTranscript.Turn> turns;
        try {
            turns = WebVttTranscript.parse(((TranscriptDownload.Fetched) fetched).text(), UNKNOWN_SPEAKER, MAX_TURNS, MAX_TEXT);
        } catch (IllegalArgumentException e) {
            throw new BadPayload("Zoom transcript is " + e.getMessage());
        }
        return Mapped.of(event(meeting, file, uuid, turns));
    }

    /** Zoom asks the endpoint to prove it holds the secret token: the plain token, and its hex HMAC-SHA256. */
    private Mapped validation(JsonNode plainToken) throws BadPayload {
        String plain = text(plainToken);
        if (plain == null || !PLAIN_TOKEN.matcher(plain).matches()) {
            throw new BadPayload("Zoom endpoint.url_validation without a plainToken of 1 to 128 letters, digits, '-' or '_'");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretToken, "HmacSHA256"));
            String encrypted = HexFormat.of().formatHex(mac.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
            return Mapped.reply(JSON.createObjectNode().put("plainToken", plain).put("encryptedToken", encrypted).toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static JsonNode transcriptFile(JsonNode files) {
        for (JsonNode file : files) {
            if ("TRANSCRIPT".equalsIgnoreCase(text(file.get("file_type")))) {
                return file;
            }
        }
        return null;
    }

    private SourceEvent event(JsonNode meeting, JsonNode file, String uuid, List<WebVttTranscript.Turn> turns) throws BadPayload {
        Instant started = time(file.get("recording_start"), time(meeting.get("start_time"), null));
        Instant ended = time(file.get("recording_end"), started == null ? null
                : started.plusSeconds(60L * Math.max(0, meeting.path("duration").asLong(0))));
        if (started == null || ended == null) {
            throw new BadPayload("Zoom recording.transcript_completed without recording_start or start_time");
        }
        String callId = cut("zoom-" + uuid, 128);
        ObjectNode data = JSON.createObjectNode();
        data.put("call_id", callId);
        if (text(meeting.get("topic")) != null) {
            data.put("title", cut(text(meeting.get("topic")), 1000));
        }
        data.put("started_at", started.toString());
        data.put("ended_at", ended.toString());
        data.put("platform", "zoom");
        if (language != null) {
            data.put("language", language);
        }
        data.set("participants", participants(text(meeting.get("host_email")), turns));
        ArrayNode transcript = data.putArray("transcript");
        turns.forEach(turn -> transcript.addObject().put("speaker", cut(turn.speaker(), 256))
                .put("start_seconds", turn.startSeconds()).put("text", turn.text()));
        String share = text(meeting.get("share_url"));
        if (share != null && share.length() <= 2048) {
            data.put("recording_url", share);
        }
        // Zoom sends no delivery id: the meeting and its transcript file identify the delivery, across Zoom's retries
        String id = SourceEvent.stableId("zoom-call", uuid, String.valueOf(text(file.get("id"))));
        return SourceEvent.of(id, "call.completed", "/calls/zoom", callId, ended, data, callId);
    }

    /** The host (by email) as the rep, then every speaker, whose side Zoom does not say. */
    private static ArrayNode participants(String hostEmail, List<WebVttTranscript.Turn> turns) {
        ArrayNode participants = JSON.createArrayNode();
        if (hostEmail != null) {
            participants.addObject().put("name", cut(hostEmail, 256)).put("email", cut(hostEmail, 320)).put("role", "rep");
        }
        Set<String> speakers = new LinkedHashSet<>();
        turns.forEach(turn -> speakers.add(cut(turn.speaker(), 256)));
        speakers.stream().limit(hostEmail == null ? 100 : 99).forEach(speaker -> participants.addObject().put("name", speaker).put("role", "other"));
        if (participants.isEmpty()) {
            participants.addObject().put("name", UNKNOWN_SPEAKER).put("role", "other");
        }
        return participants;
    }

    private static Instant time(JsonNode node, Instant otherwise) {
        String text = text(node);
        try {
            return text == null ? otherwise : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.asText().isBlank() ? null : node.asText();
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
