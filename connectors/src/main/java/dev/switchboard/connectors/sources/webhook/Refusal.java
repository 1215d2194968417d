package dev.switchboard.connectors.sources.webhook;

/**
 * Why a webhook request was refused, as a fixed category. A source's health counts refusals by
 * these and shows the last one by name: a refusal's own message may quote what the caller sent
 * (a content type, a method, a piece of the body), and health is read by people and dashboards
 * that must not display an attacker's text.
 */
public enum Refusal {
    /** Not a POST (405). */
    METHOD("method"),
    /** From an address outside {@code auth.allowed_networks} (403). */
    NETWORK("network"),
    /** A content type the source does not read (415). */
    CONTENT_TYPE("content_type"),
    /** A credential or signature missing, malformed or wrong (401). */
    AUTHENTICATION("authentication"),
    /** A signed timestamp outside the tolerance (403). */
    TIMESTAMP("timestamp"),
    /** A delivery id already accepted (409). */
    REPLAY("replay"),
    /** A body the source cannot read or map (400). */
    PAYLOAD("payload"),
    /** An event that fails the CloudEvents envelope or its data schema (400). */
    INVALID_EVENT("invalid_event"),
    /** An event of a type reserved for the engine or change data capture (403). */
    RESERVED_TYPE("reserved_type"),
    /** Kafka did not acknowledge in time, or refused (503). */
    KAFKA("kafka"),
    /** What the mapping needs from the vendor besides the request (a transcript file) could not be had now (503). */
    UPSTREAM("upstream");

    private final String key;

    Refusal(String key) {
        this.key = key;
    }

    /** The name health shows. */
    public String key() {
        return key;
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
