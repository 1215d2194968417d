package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** A webhook sink for an n8n Webhook node: the task itself as the body, no extra headers. */
public final class N8nWebhookSink extends WebhookSink implements TaskSink {

    N8nWebhookSink(String name, URI uri, Optional<Secret> signingSecret, HttpDelivery http) {
        super(name, uri, Redactor.of(Redactor.queryValues(uri.toString())), Map.of(), signingSecret, null, http);
    }
}
