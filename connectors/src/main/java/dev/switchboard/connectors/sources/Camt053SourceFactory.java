package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.bank.EntrySelection;
import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/** Makes {@link Camt053Source}s: ISO 20022 camt.053 bank statements posted to a webhook path. */
public final class Camt053SourceFactory extends WebhookSourceFactory<Camt053SourceFactory.Options> {

    public Camt053SourceFactory() {
        super(Options.class, Camt053Source.WEBHOOK, Camt053Source::new);
    }

    @Documentation(name = "camt053", summary = "Receives ISO 20022 camt.053 bank statements (POSTed XML) as payment.received and payment.sent events.",
            description = """
                    POST the statement as `application/xml` (or `text/xml`), as a bank connector, an EBICS client or a \
                    script downloads it. Every version `camt.053.001.NN` is read (tested with .02 and .08): each booked \
                    entry (`Sts` BOOK, not a reversal) is one event, or one per `TxDtls` when the entry batches several; a \
                    credit (`CdtDbtInd` CRDT) is `payment.received` with the debtor as counterparty, a debit `payment.sent` \
                    with the creditor. The data carries the amount and currency, booking and value dates, our account, the \
                    counterparty's name, IBAN and BIC, the remittance information (`Ustrd` lines joined, and the structured \
                    references: `RfrdDocInf/Nb` and `CdtrRefInf/Ref`) and the bank's references. The payment id is the \
                    account, the entry's `AcctSvcrRef` (else `NtryRef`) and, in a batch, the transaction's position; the event \
                    id is a hash of it, so a statement posted twice yields the same events. A statement is published all or \
                    none: a document that is not camt.053, or an entry without amount, currency or booking date, is refused \
                    with 400 naming the entry. Authentication: `shared-secret` (the default: `Authorization: Bearer <secret>`), \
                    `basic` or `standard-webhooks`. To read statements from a folder instead, see `camt053-folder`.""")
    @Example(title = "Statements uploaded by the treasury system, incoming payments only", yaml = """
            bank-statements:
              camt053:
                path: /webhooks/bank/camt053
                auth:
                  secret_env: BANK_UPLOAD_TOKEN
            """)
    @Example(title = "Both directions: customers' payments and the supplier invoices paid", yaml = """
            bank-statements:
              camt053:
                entries: all
                auth:
                  scheme: basic
                  username: treasury
                  secret_env: BANK_UPLOAD_PASSWORD
                  allowed_networks: [10.20.0.0/16]
            """)
    public record Options(
            @Option(description = EntrySelection.DESCRIPTION, defaultValue = "credits", allowed = {"credits", "debits", "all"})
            String entries,
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/camt053"))
            WebhookListener.Document listener) implements WebhookSourceOptions {
    }
}
