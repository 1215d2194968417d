package dev.switchboard.connectors.sources.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.connectors.sources.Fixtures;
import dev.switchboard.connectors.sources.bank.BankTransaction.Direction;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Camt053ParserTest {

    @Test
    void should_read_one_transaction_per_booked_entry_and_per_batched_transaction_when_the_statement_is_version_08() throws Exception {
        // when
        Camt053Parser.Statement statement = parse(Fixtures.bytes("camt053/statement-v08.xml"));

        // then the pending entry is left out, the batch entry gives two transactions
        assertThat(statement.version()).isEqualTo("08");
        assertThat(statement.messageId()).isEqualTo("TEST-STMT-08");
        assertThat(statement.entries()).isEqualTo(5);
        assertThat(statement.skipped()).containsExactly(java.util.Map.entry("pdng", 1));
        assertThat(statement.transactions()).extracting(BankTransaction::paymentId).containsExactly(
                "FR7630004000031234567890143/REF-0001", "FR7630004000031234567890143/REF-0002",
                "FR7630004000031234567890143/REF-0003/1", "FR7630004000031234567890143/REF-0003/2",
                "FR7630004000031234567890143/REF-0004");
        BankTransaction credit = statement.transactions().get(0);
        assertThat(credit.direction()).isEqualTo(Direction.CREDIT);
        assertThat(credit.amount()).isEqualByComparingTo("588.00");
        assertThat(credit.amount().scale()).isEqualTo(2);
        assertThat(credit.currency()).isEqualTo("EUR");
        assertThat(credit.bookingDate()).isEqualTo(LocalDate.of(2026, 10, 21));
        assertThat(credit.valueDate()).isEqualTo(LocalDate.of(2026, 10, 22));
        assertThat(credit.counterparty()).isEqualTo(new BankTransaction.Party("Brightside Bakery Ltd", "GB33BUKB20201555555555", "BUKBGB22"));
        assertThat(credit.remittance()).isEqualTo("Invoice NW-2026-1042 thank you");
        assertThat(credit.endToEndId()).isEqualTo("BRIGHT-2026-77");
        assertThat(credit.bankTransactionCode()).isEqualTo("PMNT/RCDT/ESCT");
        assertThat(credit.account()).isEqualTo(new BankTransaction.Account("FR7630004000031234567890143", "EUR",
                "Northwind Cloud SAS - compte EUR"));
    }

    @Test
    void should_take_the_creditor_and_the_structured_references_when_the_entry_is_a_debit() throws Exception {
        // when
        BankTransaction debit = parse(Fixtures.bytes("camt053/statement-v08.xml")).transactions().get(1);

        // then
        assertThat(debit.direction()).isEqualTo(Direction.DEBIT);
        assertThat(debit.counterparty()).isEqualTo(new BankTransaction.Party("Kabelwerk Nord GmbH", "DE34200505501234567890", "KANODEHH"));
        assertThat(debit.references()).containsExactly("RE-26-10394", "RF18539007547034");
        assertThat(debit.remittance()).isNull();
        assertThat(debit.endToEndId()).as("NOTPROVIDED is no reference").isNull();
    }

    @Test
    void should_number_each_transaction_of_a_batch_entry_with_its_own_amount_when_the_entry_batches_several() throws Exception {
        // when
        List<BankTransaction> transactions = parse(Fixtures.bytes("camt053/statement-v08.xml")).transactions();

        // then
        BankTransaction first = transactions.get(2);
        BankTransaction second = transactions.get(3);
        assertThat(first.batch()).isEqualTo(new BankTransaction.Batch(1, 2));
        assertThat(second.batch()).isEqualTo(new BankTransaction.Batch(2, 2));
        assertThat(first.amount()).isEqualByComparingTo("400.00");
        assertThat(second.amount()).isEqualByComparingTo("500.00");
        assertThat(first.direction()).as("the entry's indicator when the transaction has none").isEqualTo(Direction.CREDIT);
        assertThat(first.bookingDate()).as("a booking date-time").isEqualTo(LocalDate.of(2026, 10, 24));
        assertThat(second.remittance()).isEqualTo("NW-2026-1051");
        BankTransaction fee = transactions.get(4);
        assertThat(fee.counterparty()).isNull();
        assertThat(fee.additionalInfo()).isEqualTo("Frais de tenue de compte octobre 2026");
        assertThat(fee.batch()).isNull();
    }

    @Test
    void should_read_the_older_forms_when_the_statement_is_version_02() throws Exception {
        // when
        Camt053Parser.Statement statement = parse(Fixtures.bytes("camt053/statement-v02.xml"));

        // then the reversal is left out; Nm without Pty, BIC, AmtDtls and an account without IBAN are read
        assertThat(statement.version()).isEqualTo("02");
        assertThat(statement.skipped()).containsExactly(java.util.Map.entry("reversal", 1));
        assertThat(statement.transactions()).hasSize(2);
        BankTransaction credit = statement.transactions().get(0);
        assertThat(credit.paymentId()).isEqualTo("40-47-84 70872490/GB-0001");
        assertThat(credit.amount()).isEqualByComparingTo(new BigDecimal("612.40"));
        assertThat(credit.counterparty()).isEqualTo(new BankTransaction.Party("T WALSH", "GB29NWBK60161331926819", "NWBKGB2L"));
        assertThat(credit.references()).containsExactly("RF71NW20261042");
        assertThat(credit.bankTransactionCode()).isEqualTo("FPS CREDIT");
        BankTransaction debit = statement.transactions().get(1);
        assertThat(debit.paymentId()).as("NtryRef when there is no AcctSvcrRef").isEqualTo("40-47-84 70872490/GB-ENTRY-3");
        assertThat(debit.amount()).as("the instructed amount").isEqualByComparingTo("25.00");
        assertThat(debit.counterparty().name()).isEqualTo("Thameside Events Ltd");
    }

    @Test
    void should_give_the_same_event_id_when_the_same_statement_is_read_twice() throws Exception {
        // when
        List<String> first = parse(Fixtures.bytes("camt053/statement-v08.xml")).transactions().stream()
                .map(transaction -> transaction.toEvent().id()).toList();
        List<String> second = parse(Fixtures.bytes("camt053/statement-v08.xml")).transactions().stream()
                .map(transaction -> transaction.toEvent().id()).toList();

        // then
        assertThat(second).isEqualTo(first).doesNotHaveDuplicates();
    }

    static Stream<Arguments> unreadable() {
        String v08 = new String(Fixtures.bytes("camt053/statement-v08.xml"), StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("not XML", "%PDF-1.7 binary", "Not a readable XML document"),
                Arguments.of("empty", "", "Not a readable XML document"),
                Arguments.of("a notification", v08.replace("camt.053.001.08", "camt.054.001.08"), "Not a camt.053 statement: got root element "
                        + "'Document' in namespace 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08'"),
                Arguments.of("an external entity", """
                        <?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>&x;</BkToCstmrStmt></Document>""",
                        "Not a readable XML document"),
                Arguments.of("no statement", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>"
                        + "<GrpHdr><MsgId>M</MsgId></GrpHdr></BkToCstmrStmt></Document>", "No statement in the document"),
                Arguments.of("no booking date", v08.replace("<BookgDt><Dt>2026-10-23</Dt></BookgDt>", ""),
                        "Stmt[1] TEST-EUR-08, Ntry[2] (REF-0002): no booking date; expected BookgDt/Dt or BookgDt/DtTm"),
                Arguments.of("a negative amount", v08.replace("<Amt Ccy=\"EUR\">1167.95</Amt>\n        <CdtDbtInd>DBIT",
                        "<Amt Ccy=\"EUR\">-1167.95</Amt>\n        <CdtDbtInd>DBIT"),
                        "Stmt[1] TEST-EUR-08, Ntry[2] (REF-0002) Amt: got '-1167.95', expected a positive amount"),
                Arguments.of("an unknown indicator", v08.replace("<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts><Cd>BOOK</Cd></Sts>\n        "
                        + "<BookgDt><Dt>2026-10-23", "<CdtDbtInd>OUT</CdtDbtInd>\n        <Sts><Cd>BOOK</Cd></Sts>\n        <BookgDt><Dt>2026-10-23"),
                        "got CdtDbtInd 'OUT', expected CRDT or DBIT"),
                Arguments.of("a batch transaction without amount", v08.replace("<Amt Ccy=\"EUR\">400.00</Amt>", ""),
                        "Ntry[3] (REF-0003), TxDtls[1]: no amount; expected Amt or AmtDtls/TxAmt/Amt in each transaction of a batch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void should_refuse_the_document_saying_where_when_it_is_no_statement_it_can_read(String name, String document, String message) {
        assertThatThrownBy(() -> parse(document.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StatementException.class)
                .hasMessageContaining(message);
    }

    private static Camt053Parser.Statement parse(byte[] bytes) throws StatementException {
        return Camt053Parser.parse(new ByteArrayInputStream(bytes));
    }
}
