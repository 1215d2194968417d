package dev.switchboard.connectors.sources.webhook;

import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import java.util.Set;

/**
 * What a webhook source says about its vendor: its type name, the authentication schemes it accepts
 * and the one used when {@code auth.scheme} is not given, and the content types it reads.
 */
public record WebhookVendor(String type, Set<Scheme> schemes, Scheme defaultScheme, Accepts accepts) {

    /** The scheme the options choose: {@code auth.scheme}, else the default; null for a name no scheme has. */
    public Scheme scheme(WebhookAuth auth) {
        return auth.scheme() == null ? defaultScheme : Scheme.of(auth.scheme()).orElse(null);
    }
}
