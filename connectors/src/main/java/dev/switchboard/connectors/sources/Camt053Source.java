package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.bank.BankTransaction;
import dev.switchboard.connectors.sources.bank.Camt053Parser;
import dev.switchboard.connectors.sources.bank.EntrySelection;
import dev.switchboard.connectors.sources.bank.StatementException;
import dev.switchboard.connectors.sources.webhook.Accepts;
import dev.switchboard.connectors.sources.webhook.BadPayload;
import dev.switchboard.connectors.sources.webhook.Inbound;
import dev.switchboard.connectors.sources.webhook.Mapped;
import dev.switchboard.connectors.sources.webhook.WebhookEndpoint;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Set;

/**
 * camt.053 statements POSTed as XML: each booked entry the options select (one per transaction of a
 * batch entry) is published as {@code payment.received} or {@code payment.sent}, all or none. The
 * event ids follow from the account and the bank's entry references, so posting a statement again
 * publishes the same events, which reconciliation counts once.
 */
public final class Camt053Source extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("camt053", Set.of(Scheme.SHARED_SECRET, Scheme.BASIC, Scheme.STANDARD_WEBHOOKS),
            Scheme.SHARED_SECRET, Accepts.XML);

    private final EntrySelection entries;

    Camt053Source(String name, Camt053SourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
        this.entries = EntrySelection.of(options.entries());
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        Camt053Parser.Statement statement;
        try {
            statement = Camt053Parser.parse(new ByteArrayInputStream(inbound.request().body()));
        } catch (StatementException e) {
            throw new BadPayload(e.getMessage());
        }
        List<BankTransaction> selected = entries.select(statement.transactions());
        if (selected.isEmpty()) {
            return Mapped.ignored("No booked " + entries.name().toLowerCase(java.util.Locale.ROOT) + " in statement "
                    + statement.messageId() + " (" + statement.transactions().size() + " booked transactions)");
        }
        return Mapped.of(selected.stream().map(BankTransaction::toEvent).toList());
    }
}
