package dev.switchboard.workflows.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.events.EventSchemas;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.types.ValueType;
import dev.switchboard.workflows.steps.invoice.InvoiceRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Makes {@link InvoiceCheckStep}s: the deterministic checks of an extracted invoice, and what a failure does. */
public final class InvoiceCheckStepFactory implements StepFactory<InvoiceCheckStepFactory.Options> {

    /** Every check, in the order they run. */
    static final List<String> CHECKS = Stream.concat(InvoiceRules.NAMES.stream(), Stream.of("duplicate")).toList();

    @Documentation(name = "invoice.check", summary = "Checks an extracted invoice: totals, tax, dates, IBAN, currency and duplicates.",
            description = """
                    Reads the output of the extract step `from` (fields `supplier {name, vat_id, address, country, email}`, \
                    `invoice_number`, `issue_date`, `due_date`, `currency`, `net`, `tax_lines [{rate, base, tax}]`, \
                    `tax_total`, `total`, `iban`, `line_items [{description, quantity, unit_price, tax_rate, net}]`) and runs \
                    the `checks`, with exact decimals: `fields` (supplier name, number, issue date, currency and total are \
                    there and readable), `currency` (an ISO 4217 code), `totals` (line items add up to the net, tax lines \
                    to the tax total, net plus tax to the total, each within `tolerance`), `tax` (each tax line is its rate \
                    times its base, rounded to the currency's minor unit, within `tolerance`), `dates` (due on or after \
                    issue), `iban` (ISO 13616: letters, check digits and the mod-97 check; an invoice without an IBAN passes) and \
                    `duplicate` (no invoice with the same supplier and number accepted with an issue date within \
                    `duplicate_window_days`; needs `kafka.streams.invoices`). A check whose values the invoice does not \
                    give passes; `fields` asks for the ones an accepted invoice needs.

                    With `document`, the attachment the invoice was read from is checked first: when its text could not \
                    be read (`extraction` other than `ok`: encrypted, a scan, damaged), the invoice goes to review with \
                    the attachment's reason, and the extract step before is best skipped with `when`.

                    Output when every check passes: `passed: true`, `invoice_key` (supplier VAT id or name, `/`, number; \
                    lower case) and `invoice`, the invoice as `invoice.accepted` carries it (amounts as exact decimal \
                    strings, `source` with the event id, Message-ID and attachment name). When one fails, the event goes \
                    to review (`on_failure: review`) with every failed check's message, or to the dead-letter topic \
                    (`on_failure: fail`).""")
    @Example(title = "The checks of an invoice read from a PDF attachment", yaml = """
            id: checks
            invoice.check:
              from: invoice
              document: event.data.attachments[0]
              tolerance: 0.01
              duplicate_window_days: 180
            """)
    public record Options(
            @Option(description = "Id of the earlier extract step that read the invoice.", required = true) String from,
            @Option(description = "Path of the attachment the invoice was read from (e.g. `event.data.attachments[0]`); when its "
                    + "`extraction` is not `ok`, the invoice goes to review with the attachment's `reason`.")
            String document,
            @Option(description = "Which checks run.", defaultValue = "[fields, currency, totals, tax, dates, iban, duplicate]")
            List<String> checks,
            @Option(description = "Largest difference between amounts that still counts as equal, in the invoice's currency.",
                    defaultValue = "0.01", minimum = 0, maximum = 100)
            Double tolerance,
            @Option(description = "Two invoices with the same supplier and number whose issue dates are closer than this many days "
                    + "are one invoice sent twice.", defaultValue = "180", minimum = 1, maximum = 3660)
            @JsonProperty("duplicate_window_days") Integer duplicateWindowDays,
            @Option(description = "What a failed check does: `review` holds the event for a person, with the checks' messages; "
                    + "`fail` sends it to the dead-letter topic.", defaultValue = "review", allowed = {"review", "fail"})
            @JsonProperty("on_failure") String onFailure) {
    }

    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        for (int i = 0; i < options.checks().size(); i++) {
            String name = options.checks().get(i);
            if (!CHECKS.contains(name)) {
                problems.add(OptionProblem.at("checks[" + i + "]", "Unknown check").got(name).expected("one of " + CHECKS));
            }
        }
        if (options.document() != null && !options.document().matches("(event|steps)(\\.[A-Za-z0-9_-]+|\\[\\d+])+")) {
            problems.add(OptionProblem.at("document", "Invalid path").got(options.document())
                    .expected("a path such as event.data.attachments[0]"));
        }
        return problems;
    }

    /** {@code passed}, {@code invoice_key} and {@code invoice} as the {@code invoice.accepted} event carries it. */
    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        return ValueType.object(Map.of("passed", ValueType.bool(), "invoice_key", ValueType.text(),
                "invoice", EventSchemas.shipped().data("invoice.accepted").orElseThrow()));
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        return new InvoiceCheckStep(stepId, options, environment.service(InvoiceRegister.class));
    }
}
