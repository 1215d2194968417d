package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@link ZoomSource}s: Zoom's {@code recording.transcript_completed} webhooks, signed with the event
 * subscription's secret token, each with its transcript fetched from Zoom, as {@code call.completed} events.
 *
 * <p>As Zoom documents them: "Using webhooks" (developers.zoom.us/docs/api/webhooks: "Verify webhook events",
 * the {@code x-zm-signature} header, {@code v0=} and the hex HMAC-SHA256 of {@code v0:<x-zm-request-timestamp>:<body>}
 * keyed by the secret token; "Validate your webhook endpoint", the {@code endpoint.url_validation} event answered
 * with {@code plainToken} and {@code encryptedToken}, the hex HMAC-SHA256 of the plain token, within 3 seconds,
 * and again every 72 hours); the "Recording Transcript Completed" event reference
 * (marketplace.zoom.us/docs/api-reference/webhook-reference/recording-events/recording-transcript-completed:
 * {@code payload.object} with {@code uuid}, {@code topic}, {@code start_time}, {@code host_email} and
 * {@code recording_files}, and the {@code download_token} to use with a file's {@code download_url}, valid 24
 * hours); "Download recordings using webhooks" (developers.zoom.us/blog/meeting-api-querying-tips-part4); and
 * Zoom's own sample, which checks the signature before it answers a validation (github.com/zoom/webhook-sample).
 */
public final class ZoomSourceFactory extends WebhookSourceFactory<ZoomSourceFactory.Options> {

    public ZoomSourceFactory() {
        super(Options.class, ZoomSource.WEBHOOK, ZoomSource::new);
    }

    @Documentation(name = "zoom", summary = "Receives Zoom's recording.transcript_completed webhooks, fetches each transcript from Zoom and publishes the call as call.completed.",
            description = """
                    Subscribe the app's event subscription to *Recording transcript files have completed* \
                    (`recording.transcript_completed`) with this endpoint's URL. Zoom's endpoint validation \
                    (`endpoint.url_validation`, at setup and every 72 hours) is answered with `plainToken` and \
                    `encryptedToken`. Every request must carry a valid `x-zm-signature` (`v0=` and the hex HMAC-SHA256 of \
                    `v0:<x-zm-request-timestamp>:<raw body>`, keyed by the secret token; the timestamp within \
                    `auth.tolerance_seconds`; a replayed signature is refused with 409), the validation included.

                    For each transcript the source fetches the WebVTT file from the `download_url` of the `TRANSCRIPT` \
                    recording file with the webhook's `download_token` (sent as `Authorization: Bearer`, to Zoom's own \
                    host only; redirects are followed up to 3 hops, each one checked against `outbound.allowed_hosts`: \
                    add `zoom.us` and `*.zoom.us`). The webhook is answered 202 once the event is in Kafka; if Zoom cannot \
                    serve the file now (a timeout, 429 or 5xx) it is answered 503 and Zoom delivers it again; an expired \
                    token or a missing file is 400. Other Zoom events are answered 200 and ignored.

                    The event: `call_id` `zoom-<meeting uuid>`, `title` the topic, `started_at` and `ended_at` the \
                    transcript's recording times, `platform` `zoom`, `transcript` the WebVTT cues as speaker turns \
                    (consecutive cues of one speaker joined; a cue without `Name: ` belongs to `Unknown speaker`), \
                    `participants` the meeting's host (by email, role `rep`) and every speaker (role `other`: Zoom does \
                    not say whose side a speaker is on), and `recording_url` the share URL. Its id is a hash of the \
                    meeting uuid and the transcript file id, so Zoom's retries publish the same event; the Kafka key \
                    is the `call_id`.""")
    @Example(title = "Zoom call transcripts into the events topic", yaml = """
            zoom-calls:
              zoom:
                language: en
                auth:
                  secret_env: ZOOM_WEBHOOK_SECRET_TOKEN
            """)
    public record Options(
            @Option(description = "How long fetching a transcript may take, in seconds; Zoom itself waits 3 s for an answer and "
                    + "delivers again when it gets none, under the same event id.", defaultValue = "10", minimum = 1, maximum = 60)
            @JsonProperty("download_timeout_seconds") Integer downloadTimeoutSeconds,
            @Option(description = "The largest transcript file fetched, in bytes; a larger one is refused with 400.",
                    defaultValue = "1048576", minimum = 1024, maximum = 10485760)
            @JsonProperty("max_transcript_bytes") Integer maxTranscriptBytes,
            @Option(description = "The spoken language of the calls (BCP 47, such as `en` or `fr-FR`), for `data.language`; "
                    + "Zoom's transcript does not say.")
            String language,
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/zoom"))
            WebhookListener.Json listener) implements WebhookSourceOptions {
    }

    @Override
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(super.check(options, environment));
        if (!environment.allowedHosts().contains("zoom.us") && !environment.allowedHosts().contains("*.zoom.us")) {
            problems.add(OptionProblem.at("", "No Zoom host in outbound.allowed_hosts")
                    .fix(": transcripts are fetched from Zoom. Add zoom.us and *.zoom.us to outbound.allowed_hosts").warning());
        }
        return problems;
    }
}
