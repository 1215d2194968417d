package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.schemas.events.ExactJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The business half of a digest ({@code on.schedule.business}): what the period's events say about
 * invoices, payments, reminders and tickets, and at its end what the open-invoices table holds (open
 * and overdue, payable and receivable). Amounts are summed per currency, exactly; each sum also comes
 * as text ({@code EUR 1,234.50 · GBP 80.00}) for a report's template, which cannot loop.
 */
final class BusinessTotals {

    static final String BUSINESS = "business";
    static final String OPEN = "open";
    private static final ObjectMapper JSON = ExactJson.mapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private BusinessTotals() {
    }

    /** The fact an event of the business topics gives, or null when the digest does not count its type. */
    static DigestTopology.Fact fromEvent(byte[] bytes) {
        JsonNode event = read(bytes);
        if (event == null) {
            return null;
        }
        String type = event.path("type").asText();
        JsonNode data = event.path("data");
        String currency = data.path("currency").asText(null);
        return switch (type) {
            case "invoice.accepted", "invoice.issued" -> fact(type, currency, decimal(data.get("total")), null);
            case "invoice.paid", "invoice.partially_paid" -> fact(type, currency, decimal(data.path("payment").get("applied")), null);
            case "payment.received", "payment.sent", "payment.unmatched" -> fact(type, currency, decimal(data.get("amount")), null);
            case "invoice.overdue" -> fact(type, currency, decimal(data.get("outstanding")), data.path("stage").asText(null));
            case "ticket.created" -> fact(type, null, null, null);
            default -> null;
        };
    }

    /** The fact a record of the open-invoices table gives: an invoice's state, or (a tombstone) its leaving. */
    static DigestTopology.Fact fromOpen(String invoiceKey, byte[] bytes) {
        if (invoiceKey == null) {
            return null;
        }
        JsonNode state = bytes == null ? null : read(bytes);
        if (state == null) {
            return new DigestTopology.Fact(OPEN, null, null, null, null, null, 0, 0, 0, null, invoiceKey, null, null, null, null, null);
        }
        return new DigestTopology.Fact(OPEN, null, null, null, null, null, 0, 0, 0, null, invoiceKey, state.path("currency").asText(null),
                decimal(state.get("outstanding")), state.path("due_date").asText(null), state.path("kind").asText(null), null);
    }

    private static DigestTopology.Fact fact(String type, String currency, BigDecimal amount, String extra) {
        return new DigestTopology.Fact(BUSINESS, null, null, null, null, null, 0, 0, 0, type, null, currency, amount, null, extra, null);
    }

    static ObjectNode empty() {
        ObjectNode business = NODES.objectNode();
        ObjectNode invoices = business.putObject("invoices");
        for (String group : List.of("received", "issued", "paid", "partially_paid")) {
            group(invoices, group);
        }
        ObjectNode payments = business.putObject("payments");
        for (String group : List.of("received", "sent", "unmatched")) {
            group(payments, group);
        }
        business.putObject("reminders").put("sent", 0).putObject("by_stage");
        business.putObject("tickets").put("created", 0).putObject("by_label");
        return business;
    }

    /** The object field {@code name} of {@code parent}, made when missing. */
    static ObjectNode child(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        return existing instanceof ObjectNode object ? object : parent.putObject(name);
    }

    private static void group(ObjectNode parent, String name) {
        parent.putObject(name).put("count", 0).putObject("amount");
    }

    /** Adds one business event. */
    static void add(ObjectNode business, DigestTopology.Fact fact) {
        switch (fact.type()) {
            case "invoice.accepted" -> count(child(child(business, "invoices"), "received"), fact);
            case "invoice.issued" -> count(child(child(business, "invoices"), "issued"), fact);
            case "invoice.paid" -> count(child(child(business, "invoices"), "paid"), fact);
            case "invoice.partially_paid" -> count(child(child(business, "invoices"), "partially_paid"), fact);
            case "payment.received" -> count(child(child(business, "payments"), "received"), fact);
            case "payment.sent" -> count(child(child(business, "payments"), "sent"), fact);
            case "payment.unmatched" -> count(child(child(business, "payments"), "unmatched"), fact);
            case "invoice.overdue" -> {
                ObjectNode reminders = child(business, "reminders");
                reminders.put("sent", reminders.path("sent").asLong() + 1);
                if (fact.extra() != null) {
                    ObjectNode byStage = child(reminders, "by_stage");
                    byStage.put(fact.extra(), byStage.path(fact.extra()).asLong() + 1);
                }
            }
            case "ticket.created" -> {
                ObjectNode tickets = child(business, "tickets");
                tickets.put("created", tickets.path("created").asLong() + 1);
            }
            default -> {
                // a type the digest does not count
            }
        }
    }

    /** A ticket's label, from the task a workflow made of it. */
    static void label(ObjectNode business, String label) {
        ObjectNode byLabel = child(child(business, "tickets"), "by_label");
        byLabel.put(label, byLabel.path(label).asLong() + 1);
    }

    private static void count(ObjectNode group, DigestTopology.Fact fact) {
        group.put("count", group.path("count").asLong() + 1);
        if (fact.currency() != null && fact.amount() != null) {
            ObjectNode amounts = child(group, "amount");
            amounts.put(fact.currency(), amounts.path(fact.currency()).decimalValue().add(fact.amount()));
        }
    }

    /**
     * What the open-invoices table holds at the end of the period: per kind (payable, receivable) the open
     * invoices and, of them, those past their due date on {@code asOf}.
     */
    static ObjectNode open(Iterator<String> states, LocalDate asOf) {
        ObjectNode open = NODES.objectNode();
        for (String kind : List.of(OpenInvoice.PAYABLE, OpenInvoice.RECEIVABLE)) {
            ObjectNode node = open.putObject(kind);
            node.put("count", 0).putObject("outstanding");
            node.putObject("overdue").put("count", 0).putObject("outstanding");
        }
        while (states.hasNext()) {
            JsonNode state = read(states.next().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (state == null || !open.has(state.path("kind").asText())) {
                continue;
            }
            ObjectNode node = (ObjectNode) open.get(state.path("kind").asText());
            String currency = state.path("currency").asText();
            BigDecimal outstanding = decimal(state.get("outstanding"));
            if (outstanding == null) {
                continue;
            }
            sum(node, currency, outstanding);
            LocalDate due = date(state.path("due_date").asText(null));
            if (due != null && due.isBefore(asOf)) {
                sum(child(node, "overdue"), currency, outstanding);
            }
        }
        return open;
    }

    /** The state the digest keeps of one open invoice. */
    static String state(DigestTopology.Fact fact) {
        ObjectNode state = NODES.objectNode();
        state.put("kind", fact.extra());
        state.put("currency", fact.currency());
        state.put("outstanding", fact.amount());
        state.put("due_date", fact.date());
        return state.toString();
    }

    private static void sum(ObjectNode node, String currency, BigDecimal amount) {
        node.put("count", node.path("count").asLong() + 1);
        ObjectNode outstanding = child(node, "outstanding");
        outstanding.put(currency, outstanding.path(currency).decimalValue().add(amount));
    }

    /** Beside every map of amounts by currency ({@code amount}, {@code outstanding}), the same as one line of text. */
    static void addText(ObjectNode node) {
        List<String> fields = new ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value instanceof ObjectNode child) {
                if (field.equals("amount") || field.equals("outstanding")) {
                    node.put(field + "_text", text(child));
                } else {
                    addText(child);
                }
            }
        }
    }

    private static String text(ObjectNode amounts) {
        Map<String, BigDecimal> sorted = new TreeMap<>();
        amounts.fields().forEachRemaining(entry -> sorted.put(entry.getKey(), entry.getValue().decimalValue()));
        if (sorted.isEmpty()) {
            return "none";
        }
        DecimalFormat format = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
        List<String> parts = new ArrayList<>();
        sorted.forEach((currency, amount) -> parts.add(currency + " " + format.format(amount.setScale(2, RoundingMode.HALF_EVEN))));
        return String.join(" · ", parts);
    }

    private static JsonNode read(byte[] bytes) {
        try {
            JsonNode node = bytes == null ? null : JSON.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static BigDecimal decimal(JsonNode node) {
        if (node != null && node.isTextual()) {
            try {
                return new BigDecimal(node.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return node == null || !node.isNumber() ? null : node.decimalValue();
    }

    private static LocalDate date(String text) {
        try {
            return text == null ? null : LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
