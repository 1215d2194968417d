package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.HttpCredentials;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/**
 * The helpdesk account a reply sink posts with, declared once for the helpdesks: the account's own
 * address (each company has its own host, so there is no default) and the agent's API token. Each
 * sink's description says how the token is sent.
 */
public record HelpdeskAccount(
        @Option(description = "Your helpdesk's address (`https://<subdomain>.zendesk.com`, `https://<domain>.freshdesk.com`); "
                + "its host must be in `outbound.allowed_hosts`.", required = true)
        @JsonProperty("base_url") String baseUrl,
        @OptionGroup HttpCredentials credentials) {

    /** The option {@link #baseUrl} is read from, for problems about it. */
    public static final String BASE_URL = "base_url";
}
