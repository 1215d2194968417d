package dev.switchboard.schemas.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The finance flow's event types: invoices, payments and what reconciliation and reminders derive from them. */
class FinanceEventSchemasTest {

    private static final EventParser PARSER = new EventParser();

    private static final String ACCEPTED = """
            {"invoice_key":"de284519736/re-26-10394","invoice_number":"RE-26-10394","supplier":{"name":"Kabelwerk Nord GmbH",
             "vat_id":"DE284519736","country":"DE"},"issue_date":"2026-09-02","due_date":"2026-10-02","currency":"EUR","net":"981.47",
             "tax_total":"186.48","total":"1167.95","tax_lines":[{"rate":"19","base":"981.47","tax":"186.48"}],"iban":"DE34200505501234567890",
             "line_items":[{"description":"Kabel","quantity":"3","unit_price":"327.1566","tax_rate":"19","net":"981.47"}]}""";
    private static final String ISSUED = """
            {"invoice_key":"NW-2026-1042","invoice_number":"NW-2026-1042","customer":{"name":"Brightside Bakery","email":"ap@brightside.example.com"},
             "issue_date":"2026-10-01","due_date":"2026-10-31","currency":"EUR","total":"588.00"}""";
    private static final String RECEIVED = """
            {"payment_id":"FR76/NWC1","direction":"credit","amount":"348.00","currency":"EUR","booking_date":"2026-10-21",
             "account":{"id":"FR7630004000031234567890143","currency":"EUR"},"counterparty":{"name":"KETTLE AND CO"},
             "remittance":{"unstructured":"Abonnement Team annuel client 40812","references":[]},"references":{"entry":"NWC26000012"}}""";
    private static final String SENT = RECEIVED.replace("\"credit\"", "\"debit\"");
    private static final String PAID = """
            {"invoice_key":"de284519736/re-26-10394","invoice_number":"RE-26-10394","kind":"payable","counterparty":{"name":"Kabelwerk Nord GmbH"},
             "currency":"EUR","total":"1167.95","paid":"1167.95","outstanding":"0.00","payment":{"payment_id":"FR76/NWC1","amount":"1167.95",
             "applied":"1167.95","booking_date":"2026-10-01","matched_by":"reference"},"payments":[]}""";
    private static final String UNMATCHED = """
            {"payment_id":"FR76/NWC12","type":"payment.received","direction":"credit","amount":"348.00","currency":"EUR",
             "booking_date":"2026-10-21","received_at":"2026-12-01T06:00:00Z","unmatched_days":5}""";
    private static final String OVERDUE = """
            {"workflow":"payment-reminders","invoice_key":"NW-2026-1042","invoice_number":"NW-2026-1042","customer":{"name":"Brightside Bakery"},
             "currency":"EUR","total":"588.00","outstanding":"588.00","due_date":"2026-10-31","days_overdue":8,"stage":"friendly",
             "stage_number":1,"stage_count":3}""";

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("invoice.accepted", ACCEPTED),
                Arguments.of("invoice.issued", ISSUED),
                Arguments.of("payment.received", RECEIVED),
                Arguments.of("payment.sent", SENT),
                Arguments.of("invoice.paid", PAID),
                Arguments.of("invoice.partially_paid", PAID.replace("\"outstanding\":\"0.00\"", "\"outstanding\":\"12.50\"")),
                Arguments.of("payment.unmatched", UNMATCHED),
                Arguments.of("invoice.overdue", OVERDUE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void should_accept_the_event_when_its_data_follows_the_schema(String type, String data) {
        // when
        EventParser.Result result = PARSER.parse(event(type, data));

        // then
        assertThat(result).as(type).isInstanceOf(EventParser.Accepted.class);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("payment.received", RECEIVED.replace("\"amount\":\"348.00\"", "\"amount\":\"-348.00\""), "amount"),
                Arguments.of("payment.received", RECEIVED.replace("\"amount\":\"348.00\"", "\"amount\":348.00"), "amount"),
                Arguments.of("invoice.issued", ISSUED.replace("\"total\":\"588.00\"", "\"total\":\"5,88\""), "total"),
                Arguments.of("payment.received", SENT, "direction"),
                Arguments.of("payment.sent", RECEIVED, "direction"),
                Arguments.of("invoice.accepted", ACCEPTED.replace("\"currency\":\"EUR\"", "\"currency\":\"euro\""), "currency"),
                Arguments.of("invoice.accepted", ACCEPTED.replace("\"invoice_key\":\"de284519736/re-26-10394\",", ""), "invoice_key"),
                Arguments.of("invoice.accepted", ACCEPTED.replace("\"total\":\"1167.95\"", "\"total\":1167.95"), "total"),
                Arguments.of("invoice.issued", ISSUED.replace("\"due_date\":\"2026-10-31\",", ""), "due_date"),
                Arguments.of("invoice.paid", PAID.replace("\"reference\"", "\"guess\""), "matched_by"),
                Arguments.of("invoice.overdue", OVERDUE.replace("\"stage_number\":1", "\"stage_number\":0"), "stage_number"));
    }

    @ParameterizedTest(name = "{0} without a valid {2}")
    @MethodSource("rejected")
    void should_reject_the_event_naming_the_field_when_its_data_breaks_the_schema(String type, String data, String field) {
        // when
        EventParser.Result result = PARSER.parse(event(type, data));

        // then
        assertThat(result).isInstanceOf(EventParser.Rejected.class);
        assertThat(((EventParser.Rejected) result).reason()).contains(field);
    }

    private static byte[] event(String type, String data) {
        return ("{\"specversion\":\"1.0\",\"id\":\"evt-1\",\"source\":\"/finance\",\"type\":\"" + type + "\",\"data\":" + data + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
