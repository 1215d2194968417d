package dev.switchboard.schemas.events;

import java.util.Optional;

/**
 * Event types and the topic that only trusted writers may use. Switchboard's own stages write
 * {@code switchboard.*} events; change-data-capture sources write {@code crm.*} events to
 * {@link #CDC_TOPIC}, from which the CRM tables are built. A webhook or any other external source
 * that could write them could overwrite or delete CRM records, or pose as the engine, so sources
 * refuse those types and the configuration refuses an external source on a trusted topic.
 */
public final class ReservedEventTypes {

    /** Where change-data-capture sources publish by default, and the only topic the CRM tables read by default. */
    public static final String CDC_TOPIC = "switchboard.cdc";
    /** Types of events Switchboard itself writes. */
    public static final String INTERNAL_PREFIX = "switchboard.";
    /** Types of the CRM's own changes, read into the CRM tables. */
    public static final String CDC_PREFIX = "crm.";

    private ReservedEventTypes() {
    }

    /**
     * Why a source may not publish an event of this type, or empty when it may.
     *
     * @param changeDataCapture whether the source reads a system of record's own change log
     */
    public static Optional<String> refusal(String type, boolean changeDataCapture) {
        if (type == null) {
            return Optional.empty();
        }
        if (type.startsWith(INTERNAL_PREFIX)) {
            return Optional.of("Reserved event type '" + type + "': types " + INTERNAL_PREFIX + "* are written only by Switchboard itself. "
                    + "Name your event type without that prefix");
        }
        if (type.startsWith(CDC_PREFIX) && !changeDataCapture) {
            return Optional.of("Reserved event type '" + type + "': types " + CDC_PREFIX + "* are written only by change-data-capture "
                    + "sources, because the CRM tables are built from them. Name your event type without that prefix, e.g. 'lead.submitted'");
        }
        return Optional.empty();
    }
}
