package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.workflows.steps.invoice.Invoice;
import dev.switchboard.workflows.steps.invoice.InvoiceRules;
import dev.switchboard.workflows.steps.invoice.InvoiceRules.Failure;
import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks an invoice an extract step read, deterministically: the rules of {@link InvoiceRules}, and
 * no second invoice with the same supplier and number within the window. Duplicates are looked up
 * in the {@link InvoiceRegister} (built from {@code invoice.accepted} events), in this batch, and
 * among the invoices this step passed recently, which covers the moment between a pass and its
 * {@code invoice.accepted} event reaching the register.
 */
public final class InvoiceCheckStep implements Step {

    /** How many passed invoices the step remembers for the moment before the register has them. */
    private static final int RECENT = 10_000;

    private final String stepId;
    private final InvoiceCheckStepFactory.Options options;
    private final Optional<InvoiceRegister> register;
    private final InvoiceRules rules;
    private final Map<String, InvoiceRegister.Entry> recent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, InvoiceRegister.Entry> eldest) {
            return size() > RECENT;
        }
    });

    InvoiceCheckStep(String stepId, InvoiceCheckStepFactory.Options options, Optional<InvoiceRegister> register) {
        this.stepId = stepId;
        this.options = options;
        this.register = register;
        this.rules = new InvoiceRules(BigDecimal.valueOf(options.tolerance()));
    }

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        Map<String, InvoiceRegister.Entry> passedInBatch = new HashMap<>();
        return batch.stream().map(invocation -> run(invocation, passedInBatch)).toList();
    }

    private StepOutcome run(StepInvocation invocation, Map<String, InvoiceRegister.Entry> passedInBatch) {
        Map<?, ?> document = null;
        if (options.document() != null) {
            if (!(invocation.read(options.document()) instanceof Map<?, ?> attachment)) {
                return failed(List.of(new Failure("document", "The event has no attachment at " + options.document())), null);
            }
            document = attachment;
            Object status = attachment.get("extraction");
            if (status != null && !"ok".equals(status)) {
                return failed(List.of(new Failure("document", "The invoice '" + attachment.get("name") + "' could not be read ("
                        + status + "): " + attachment.get("reason"))), null);
            }
        }
        if (!(invocation.read("steps." + options.from()) instanceof Map<?, ?> extracted)) {
            return StepOutcome.Failed.permanent("No output of step '" + options.from() + "' at steps." + stepId
                    + ".from: expected an extract step before this one that ran for this event. Check its id and its when");
        }
        Invoice invoice = Invoice.of(extracted);
        List<Failure> failures = new ArrayList<>(rules.check(invoice, options.checks()));
        if (options.checks().contains("duplicate") && invoice.key() != null) {
            if (register.isEmpty()) {
                return StepOutcome.Failed.permanent("No invoice register at steps." + stepId + ": the duplicate check needs "
                        + "kafka: { streams: { invoices: {} } } in switchboard.yaml. Add it, or leave duplicate out of checks");
            }
            try {
                duplicate(invoice, invocation.eventId(), passedInBatch).ifPresent(failures::add);
            } catch (InvoiceRegister.Unavailable e) {
                return StepOutcome.Failed.retriable("Invoice register unavailable: " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            return failed(failures, invoice);
        }
        InvoiceRegister.Entry passed = new InvoiceRegister.Entry(invoice.key(), invoice.number(), invoice.supplier().name(),
                invoice.issueDate(), null, invocation.eventId());
        if (invoice.key() != null) {
            passedInBatch.put(invoice.key(), passed);
            recent.put(invoice.key(), passed);
        }
        Object messageId = invocation.read("event.data.message_id");
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("passed", true);
        output.put("invoice_key", invoice.key());
        output.put("invoice", invoice.toData(invocation.eventId(), messageId == null ? null : messageId.toString(),
                document == null || document.get("name") == null ? null : document.get("name").toString()));
        return StepOutcome.Completed.of(output);
    }

    private Optional<Failure> duplicate(Invoice invoice, String eventId, Map<String, InvoiceRegister.Entry> passedInBatch) {
        String key = invoice.key();
        InvoiceRegister.Entry earlier = passedInBatch.get(key);
        if (earlier == null) {
            earlier = recent.get(key);
        }
        if (earlier == null || earlier.sourceEventId().equals(eventId)) {
            earlier = register.get().find(key).orElse(null);
        }
        if (earlier == null || eventId.equals(earlier.sourceEventId())) {
            return Optional.empty();
        }
        if (earlier.issueDate() != null && invoice.issueDate() != null
                && Math.abs(ChronoUnit.DAYS.between(earlier.issueDate(), invoice.issueDate())) >= options.duplicateWindowDays()) {
            return Optional.empty();
        }
        return Optional.of(new Failure("duplicate", "Invoice " + invoice.number() + " from " + invoice.supplier().name()
                + " was already accepted (issue date " + earlier.issueDate() + ", event " + earlier.sourceEventId()
                + "): the same supplier and number within " + options.duplicateWindowDays() + " days"));
    }

    private StepOutcome failed(List<Failure> failures, Invoice invoice) {
        String what = invoice == null || invoice.number() == null ? "The invoice"
                : "Invoice " + invoice.number() + (invoice.supplier().name() == null ? "" : " from " + invoice.supplier().name());
        String reason = what + " failed " + (failures.size() == 1 ? "a check" : failures.size() + " checks") + ": "
                + failures.stream().map(failure -> "[" + failure.check() + "] " + failure.message()).collect(Collectors.joining("; "));
        if ("fail".equals(options.onFailure())) {
            return StepOutcome.Failed.permanent(reason);
        }
        List<Map<String, Object>> candidates = failures.stream().map(failure -> Map.<String, Object>of("model", "invoice.check",
                "outcome", "check_failed", "reason", failure.message(), "output", Map.of("check", failure.check()))).toList();
        return new StepOutcome.Review(reason, candidates, List.of());
    }
}
