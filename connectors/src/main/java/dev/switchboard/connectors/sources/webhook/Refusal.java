package dev.switchboard.connectors.sources.webhook;

import java.util.Locale;

/**
 * Why a webhook request was refused, as a fixed category. A source's health counts refusals by
 * these and shows the last one by name: a refusal's own message may quote what the caller sent
 * (a content type, a method, a piece of the body), and health is read by people and dashboards
 * that must not display an attacker's text.
 */
public enum Refusal {
    /** Not a POST (405). */
    METHOD,
    /** From an address outside {@code auth.allowed_networks} (403). */
    NETWORK,
    /** A content type the source does not read (415). */
    CONTENT_TYPE,
    /** A credential or signature missing, malformed or wrong (401). */
    AUTHENTICATION,
    /** A signed timestamp outside the tolerance (403). */
    TIMESTAMP,
    /** A delivery id already accepted (409). */
    REPLAY,
    /** A body the source cannot read or map (400). */
    PAYLOAD,
    /** An event that fails the CloudEvents envelope or its data schema (400). */
    INVALID_EVENT,
    /** An event of a type reserved for the engine or change data capture (403). */
    RESERVED_TYPE,
    /** Kafka did not acknowledge in time, or refused (503). */
    KAFKA,
    /** What the mapping needs from the vendor besides the request (a transcript file) could not be had now (503). */
    UPSTREAM;

    /** The name health shows: the constant's, in lower case. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The category of an authentication verdict's status. */
    static Refusal ofVerifierStatus(int status) {
        return switch (status) {
            case 403 -> TIMESTAMP;
            case 409 -> REPLAY;
            default -> AUTHENTICATION;
        };
    }
}
