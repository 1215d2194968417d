package dev.switchboard.workflows.streams;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which open invoices a payment settles, and how much it applies to each. First by reference: an
 * invoice whose number (or structured creditor reference) the payment quotes, in its structured
 * references or anywhere in its free text, compared without case, accents, spaces or punctuation
 * ({@code Rechnung 2501 45} quotes {@code 250145}); a payment quoting several invoices pays them in the
 * order it quotes them. Otherwise by amount and counterparty: the one open invoice (the oldest due,
 * when several) of the payment's counterparty whose outstanding amount equals the payment within the
 * tolerance. A payment sent only settles payables, a payment received only receivables.
 */
final class PaymentMatcher {

    static final String BY_REFERENCE = "reference";
    static final String BY_AMOUNT = "amount_and_counterparty";
    /** Shorter numbers match too much free text ("2026", "31"). */
    private static final int MIN_REFERENCE_LENGTH = 4;
    /** A reference written with spaces ("2501 45") spans at most this many words. */
    private static final int MAX_WORDS_PER_REFERENCE = 3;
    private static final Set<String> LEGAL_FORMS = Set.of("sas", "sarl", "sa", "sasu", "eurl", "gmbh", "ag", "kg", "ug", "ohg", "ltd",
            "limited", "llc", "llp", "lp", "inc", "corp", "corporation", "co", "plc", "bv", "nv", "srl", "spa", "sl", "ab", "as", "oy");

    /** What a payment applies to one invoice. */
    record Allocation(OpenInvoice invoice, BigDecimal applied) {
    }

    record Match(String matchedBy, List<Allocation> allocations) {
    }

    private static final Comparator<OpenInvoice> OLDEST_FIRST = Comparator
            .comparing((OpenInvoice invoice) -> invoice.dueDate() == null ? "9999" : invoice.dueDate())
            .thenComparing(invoice -> invoice.issueDate() == null ? "9999" : invoice.issueDate())
            .thenComparing(OpenInvoice::invoiceKey);

    private final BigDecimal tolerance;

    PaymentMatcher(BigDecimal tolerance) {
        this.tolerance = tolerance;
    }

    Optional<Match> match(LedgerPayment payment, Collection<OpenInvoice> open) {
        List<OpenInvoice> candidates = open.stream()
                .filter(invoice -> invoice.kind().equals(payment.settles()) && invoice.currency().equals(payment.currency())
                        && invoice.outstanding().signum() > 0 && !invoice.applied(payment.paymentId()))
                .sorted(OLDEST_FIRST).toList();
        Optional<Match> byReference = byReference(payment, candidates);
        return byReference.isPresent() ? byReference : byAmountAndCounterparty(payment, candidates);
    }

    private Optional<Match> byReference(LedgerPayment payment, List<OpenInvoice> candidates) {
        Map<String, Integer> quoted = quoted(payment);
        // invoices by the position of their first quote; invoices sharing a number compete for it
        Map<String, List<OpenInvoice>> byNumber = new LinkedHashMap<>();
        Map<String, Integer> positions = new HashMap<>();
        for (OpenInvoice invoice : candidates) {
            Integer position = null;
            for (String reference : Arrays.asList(invoice.invoiceNumber(), invoice.paymentReference())) {
                String key = normalized(reference);
                if (key.length() >= MIN_REFERENCE_LENGTH && quoted.containsKey(key)) {
                    position = position == null ? quoted.get(key) : Math.min(position, quoted.get(key));
                }
            }
            if (position != null) {
                String number = normalized(invoice.invoiceNumber());
                byNumber.computeIfAbsent(number, key -> new ArrayList<>()).add(invoice);
                positions.merge(number, position, Math::min);
            }
        }
        if (byNumber.isEmpty()) {
            return Optional.empty();
        }
        List<String> order = new ArrayList<>(byNumber.keySet());
        order.sort(Comparator.comparing(positions::get));
        List<Allocation> allocations = new ArrayList<>();
        BigDecimal remaining = payment.amount();
        for (int i = 0; i < order.size() && remaining.signum() > 0; i++) {
            OpenInvoice invoice = pick(byNumber.get(order.get(i)), remaining);
            boolean last = i == order.size() - 1;
            BigDecimal applied = last ? remaining : remaining.min(invoice.outstanding());
            allocations.add(new Allocation(invoice, applied));
            remaining = remaining.subtract(applied);
        }
        return Optional.of(new Match(BY_REFERENCE, List.copyOf(allocations)));
    }

    /** Of invoices sharing a number, the one the amount settles, else the oldest. */
    private OpenInvoice pick(List<OpenInvoice> sharing, BigDecimal amount) {
        return sharing.stream().filter(invoice -> equal(invoice.outstanding(), amount)).findFirst().orElse(sharing.get(0));
    }

    private Optional<Match> byAmountAndCounterparty(LedgerPayment payment, List<OpenInvoice> candidates) {
        if (payment.counterparty() == null) {
            return Optional.empty();
        }
        Set<String> payer = party(payment.counterparty());
        return candidates.stream()
                .filter(invoice -> equal(invoice.outstanding(), payment.amount()) && sameParty(payer, party(invoice.counterparty().name())))
                .findFirst()
                .map(invoice -> new Match(BY_AMOUNT, List.of(new Allocation(invoice, payment.amount()))));
    }

    private boolean equal(BigDecimal a, BigDecimal b) {
        return a.subtract(b).abs().compareTo(tolerance) <= 0;
    }

    /** Every reference the payment quotes, normalized, with the position of its first quote (structured ones first). */
    static Map<String, Integer> quoted(LedgerPayment payment) {
        Map<String, Integer> quoted = new HashMap<>();
        int position = 0;
        for (String reference : payment.references()) {
            quoted.putIfAbsent(normalized(reference), position++);
        }
        if (payment.remittance() != null) {
            String[] words = payment.remittance().strip().split("\\s+");
            for (int start = 0; start < words.length; start++) {
                StringBuilder joined = new StringBuilder();
                for (int length = 1; length <= MAX_WORDS_PER_REFERENCE && start + length <= words.length; length++) {
                    joined.append(normalized(words[start + length - 1]));
                    if (!joined.isEmpty()) {
                        quoted.putIfAbsent(joined.toString(), position + start);
                    }
                }
            }
        }
        return quoted;
    }

    /** Upper case, without accents, spaces or punctuation: {@code Re-26/10394} and {@code RE 2610394} are one reference. */
    static String normalized(String reference) {
        if (reference == null) {
            return "";
        }
        return Normalizer.normalize(reference, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toUpperCase(Locale.ROOT)
                .replaceAll("[^A-Z0-9]", "");
    }

    /** The words of a name without accents, case or legal form: {@code TRAITEUR LUMIERE} is {@code Traiteur Lumière SARL}. */
    static Set<String> party(String name) {
        String plain = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", " ").strip();
        Set<String> words = new HashSet<>(Arrays.asList(plain.split(" ")));
        words.remove("");
        Set<String> distinctive = new HashSet<>(words);
        distinctive.removeAll(LEGAL_FORMS);
        return distinctive.isEmpty() ? words : distinctive;
    }

    /** The same words, or all the words of a name of two or more words within the other. */
    static boolean sameParty(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        Set<String> smaller = a.size() <= b.size() ? a : b;
        Set<String> larger = smaller == a ? b : a;
        return smaller.equals(larger) || smaller.size() >= 2 && larger.containsAll(smaller);
    }
}
