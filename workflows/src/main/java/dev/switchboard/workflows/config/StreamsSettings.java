package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.events.ReservedEventTypes;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/**
 * The {@code kafka.streams:} section: the Kafka Streams stages (deduplication, CRM tables) and where
 * their state lives. Windowed and scheduled workflows need nothing here: their stages follow from
 * the workflow files. Names of applications, stores and topics are in docs/state.md.
 */
public record StreamsSettings(
        @Option(description = "Where the stages keep their local state (RocksDB); it is rebuilt from the changelog topics when lost.",
                defaultValue = ".switchboard/streams")
        @JsonProperty("state_dir") String stateDir,
        @Option(description = "Host name other engine instances reach this one at, for CRM lookups of keys it holds "
                + "(Kafka Streams `application.server`, with the HTTP listener's port). Default: http.host, or 127.0.0.1 when that is 0.0.0.0.")
        @JsonProperty("advertised_host") String advertisedHost,
        @Option(description = "Environment variable holding the token engine instances send each other on `/internal/crm/lookup`. "
                + "Unset: each process makes up a token of its own, so a single instance works and instances refuse each other's lookups; "
                + "requests from the loopback address are not trusted without it.", defaultValue = "SWITCHBOARD_PEER_TOKEN", secret = true)
        @JsonProperty("peer_token_env") String peerTokenEnv,
        @Option(description = "Drop events seen before: reads `input`, writes each event once to `output`, which workflows then name in `on.topic`.")
        Dedup dedup,
        @Option(description = "CRM tables (contacts, companies, deals, owners) built from Debezium-shaped `crm.<entity>.*` change events, "
                + "read by the `crm.lookup` step.")
        Crm crm,
        @Option(description = "The invoice register: every `invoice.accepted` event by its `invoice_key`, which the `invoice.check` "
                + "step's duplicate check reads.")
        Invoices invoices,
        @Option(description = "Reconciliation: a table of open invoices (from `invoice.accepted` and `invoice.issued`) that payments "
                + "(`payment.sent`, `payment.received`) settle, by reference or by amount and counterparty; writes `invoice.paid`, "
                + "`invoice.partially_paid` and `payment.unmatched` (see docs/state.md).")
        Reconcile reconcile) {

    /** The topic of open invoices that payment reminders and the weekly report read: the configured one, or its default. */
    public String openInvoicesTopic() {
        return reconcile != null ? reconcile.openInvoices() : DefaultOptions.of(Reconcile.class).openInvoices();
    }

    public static StreamsSettings defaults() {
        return DefaultOptions.of(StreamsSettings.class);
    }

    /** {@code kafka.streams.dedup}. */
    public record Dedup(
            @Option(description = "Topic of raw events.", defaultValue = "switchboard.events")
            String input,
            @Option(description = "Topic the unique events are written to.", defaultValue = "switchboard.events.unique")
            String output,
            @Option(description = "How long an event's key is remembered, as an ISO-8601 duration (by event time).", defaultValue = "PT24H")
            String window,
            @Option(description = "CEL expression over `event` that identifies an event; two events with the same value within "
                    + "`window` are one. The default is the event's identity as CloudEvents defines it, its source and id: ids are "
                    + "unique only within a source. A list is compared as a whole.", defaultValue = "[event.source, event.id]")
            String key) {
    }

    /** {@code kafka.streams.invoices}. */
    public record Invoices(
            @Option(description = "Topics carrying the `invoice.accepted` events (where the workflow's `event` sink publishes them).",
                    defaultValue = "[switchboard.events]")
            List<String> topics,
            @Option(description = "How long a duplicate check waits for the register (restoring after a start) before it fails and is retried.",
                    defaultValue = "30", minimum = 1, maximum = 600)
            @JsonProperty("wait_seconds") Integer waitSeconds) {
    }

    /** {@code kafka.streams.crm}. */
    public record Crm(
            @Option(description = "Topics carrying the CRM change events (`crm.contact.*`, `crm.company.*`, `crm.deal.*`, `crm.owner.*`). "
                    + "Only change-data-capture sources may publish to them: the configuration refuses a webhook or other external source "
                    + "whose `topic` is one of these.", defaultValue = "[" + ReservedEventTypes.CDC_TOPIC + "]")
            List<String> topics,
            @Option(description = "How long a lookup waits for the tables (restoring after a start or a rebalance) before it fails and is retried.",
                    defaultValue = "30", minimum = 1, maximum = 600)
            @JsonProperty("wait_seconds") Integer waitSeconds) {
    }

    /** {@code kafka.streams.reconcile}. */
    public record Reconcile(
            @Option(description = "Topics carrying the invoices (`invoice.accepted`: payable; `invoice.issued`: receivable) and the "
                    + "payments (`payment.sent`, `payment.received`); other events there are skipped.", defaultValue = "[switchboard.events]")
            List<String> topics,
            @Option(description = "Topic the stage writes `invoice.paid`, `invoice.partially_paid` and `payment.unmatched` to; workflows name "
                    + "it in `on.topic`. No source may publish to it.", defaultValue = "switchboard.finance")
            String output,
            @Option(description = "Compacted topic of the open invoices, keyed by `invoice_key`, each value the invoice's state (total, paid, "
                    + "outstanding, due date), deleted once paid: what payment reminders (`on.schedule.overdue`) and the weekly report read.",
                    defaultValue = "switchboard.invoices.open")
            @JsonProperty("open_invoices") String openInvoices,
            @Option(description = "Largest difference between a payment and what an invoice still owes for the two to count as equal, in the "
                    + "currency's units (rounding, bank charges). A smaller payment leaves the rest open; a larger one is recorded as overpaid.",
                    defaultValue = "0.01", minimum = 0, maximum = 1000)
            @JsonProperty("amount_tolerance") Double amountTolerance,
            @Option(description = "How long a payment no open invoice takes waits (for an invoice that arrives later) before a "
                    + "`payment.unmatched` event asks finance to look, as an ISO-8601 duration; by the stage's clock, from when it first saw "
                    + "the payment.", defaultValue = "P3D")
            @JsonProperty("unmatched_after") String unmatchedAfter) {

        /** What the record cannot declare: a positive wait, and outputs apart from the inputs and each other. */
        public List<String> problems() {
            List<String> problems = new java.util.ArrayList<>();
            java.time.Duration wait = null;
            try {
                wait = java.time.Duration.parse(unmatchedAfter);
            } catch (java.time.format.DateTimeParseException e) {
                // reported below
            }
            if (wait == null || wait.isNegative() || wait.isZero()) {
                problems.add("Invalid duration at kafka.streams.reconcile.unmatched_after: got '" + unmatchedAfter
                        + "', expected a positive ISO-8601 duration, e.g. P3D or PT12H");
            }
            if (topics.contains(output) || topics.contains(openInvoices) || output.equals(openInvoices)) {
                problems.add("Topics shared at kafka.streams.reconcile: got topics " + topics + ", output '" + output + "', open_invoices '"
                        + openInvoices + "', expected three different places. Reconciliation writes output and open_invoices, and reads "
                        + "topics");
            }
            return problems;
        }
    }
}
