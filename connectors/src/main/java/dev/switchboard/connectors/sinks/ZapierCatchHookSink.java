package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** A webhook sink for a Zapier catch hook, whose URL path (account id and hook key) is the credential. */
public final class ZapierCatchHookSink extends WebhookSink implements TaskSink {

    ZapierCatchHookSink(String name, URI hook, Optional<Secret> signingSecret, HttpDelivery http) {
        super(name, hook, hookRedactor(hook.toString()), Map.of(), signingSecret, null, http);
    }

    /** The hook's path (account id and key) is the credential: messages show the host only. */
    static Redactor hookRedactor(String url) {
        try {
            String path = URI.create(url).getRawPath();
            if (path == null || path.length() <= 1) {
                return Redactor.of(url);
            }
            String[] segments = path.split("/");
            return Redactor.of(path, segments.length == 0 ? null : segments[segments.length - 1]);
        } catch (IllegalArgumentException e) {
            return Redactor.of(url);
        }
    }
}
