package dev.switchboard.connectors.sources.bank;

import dev.switchboard.connectors.sources.bank.BankTransaction.Account;
import dev.switchboard.connectors.sources.bank.BankTransaction.Batch;
import dev.switchboard.connectors.sources.bank.BankTransaction.Direction;
import dev.switchboard.connectors.sources.bank.BankTransaction.Party;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an ISO 20022 camt.053 bank-to-customer statement (every version {@code camt.053.001.NN}: the
 * element names the transactions use are the same from .02 to .13) with StAX, one booked entry at a
 * time, so a large statement never sits in memory whole. DTDs and external entities are refused.
 *
 * <p>Each booked entry ({@code Sts} BOOK, not a reversal) gives one transaction, or one per
 * {@code TxDtls} when it batches several; where .02 and .08 differ the parser reads both forms: the
 * status as {@code Sts} or {@code Sts/Cd}, a party's name as {@code Nm} or {@code Pty/Nm}, an agent
 * as {@code BIC} or {@code BICFI}, a transaction's amount as {@code Amt} or {@code AmtDtls/TxAmt/Amt}.
 */
public final class Camt053Parser {

    static final Pattern NAMESPACE = Pattern.compile("urn:iso:std:iso:20022:tech:xsd:camt\\.053\\.001\\.(\\d{2})");
    private static final int MAX_DEPTH = 40;
    private static final String NOT_PROVIDED = "NOTPROVIDED";

    /**
     * What a statement file holds.
     *
     * @param version      the message version, e.g. {@code 08}
     * @param transactions the booked transactions, in document order
     * @param skipped      entries not published, by reason ({@code pending}, {@code reversal}, ...)
     */
    public record Statement(String messageId, String version, int statements, int entries, List<BankTransaction> transactions,
                            Map<String, Integer> skipped) {
        public Statement {
            transactions = List.copyOf(transactions);
            skipped = Map.copyOf(skipped);
        }
    }

    private Camt053Parser() {
    }

    public static Statement parse(InputStream in) throws StatementException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(in);
            return new Reading(reader).document();
        } catch (XMLStreamException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNumber() + ", column "
                    + e.getLocation().getColumnNumber();
            String message = e.getMessage() == null ? "" : e.getMessage().replaceFirst("(?s)^ParseError at \\[[^]]*]\\s*Message:\\s*", "");
            throw new StatementException("Not a readable XML document" + where + ": " + message.strip());
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing was written; closing only frees the parser
                }
            }
        }
    }

    /** One pass over one document. */
    private static final class Reading {
        private final XMLStreamReader reader;
        private final List<BankTransaction> transactions = new ArrayList<>();
        private final Map<String, Integer> skipped = new LinkedHashMap<>();
        private String messageId;
        private int statements;
        private int entries;

        Reading(XMLStreamReader reader) {
            this.reader = reader;
        }

        Statement document() throws XMLStreamException, StatementException {
            if (!nextStart()) {
                throw new StatementException("Empty document: expected a camt.053 statement (Document/BkToCstmrStmt)");
            }
            Matcher namespace = NAMESPACE.matcher(String.valueOf(reader.getNamespaceURI()));
            if (!reader.getLocalName().equals("Document") || !namespace.matches()) {
                throw new StatementException("Not a camt.053 statement: got root element '" + reader.getLocalName() + "' in namespace '"
                        + reader.getNamespaceURI() + "', expected Document in urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN "
                        + "(camt.052 reports and camt.054 notifications are other messages)");
            }
            String version = namespace.group(1);
            if (!nextStart() || !reader.getLocalName().equals("BkToCstmrStmt")) {
                throw new StatementException("Not a camt.053 statement: expected BkToCstmrStmt under Document");
            }
            int depth = 1;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    switch (reader.getLocalName()) {
                        case "GrpHdr" -> messageId = element(0).text("MsgId");
                        case "Stmt" -> statement();
                        default -> skip();
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT && --depth == 0) {
                    break;
                }
            }
            if (statements == 0) {
                throw new StatementException("No statement in the document: expected at least one BkToCstmrStmt/Stmt");
            }
            return new Statement(messageId, version, statements, entries, transactions, skipped);
        }

        private void statement() throws XMLStreamException, StatementException {
            statements++;
            String id = null;
            Account account = null;
            int entryIndex = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.END_ELEMENT) {
                    return;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                switch (reader.getLocalName()) {
                    case "Id" -> id = reader.getElementText().strip();
                    case "Acct" -> account = account(element(0));
                    case "Ntry" -> {
                        entryIndex++;
                        entries++;
                        String where = "Stmt[" + statements + "]" + (id == null ? "" : " " + id) + ", Ntry[" + entryIndex + "]";
                        if (account == null) {
                            throw new StatementException(where + ": an entry before the statement's Acct; expected Acct first");
                        }
                        entry(element(0), account, id, entryIndex, where);
                    }
                    default -> skip();
                }
            }
        }

        private Account account(XmlElement acct) throws StatementException {
            String id = acct.firstText("Id/IBAN", "Id/Othr/Id");
            if (id == null) {
                throw new StatementException("Stmt[" + statements + "]: the account has no Id/IBAN nor Id/Othr/Id");
            }
            return new Account(id, acct.text("Ccy"), acct.firstText("Nm", "Ownr/Nm"));
        }

        private void entry(XmlElement entry, Account account, String statementId, int entryIndex, String where) throws StatementException {
            String status = entry.firstText("Sts/Cd", "Sts/Prtry", "Sts");
            if (!"BOOK".equals(status)) {
                skipped.merge(status == null ? "no status" : status.toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
                return;
            }
            if ("true".equals(entry.text("RvslInd"))) {
                skipped.merge("reversal", 1, Integer::sum);
                return;
            }
            String reference = entry.firstText("AcctSvcrRef", "NtryRef");
            String entryReference = reference != null ? reference : statementId + "#" + entryIndex;
            where = where + (reference == null ? "" : " (" + reference + ")");
            Direction direction = Camt053Values.direction(entry.text("CdtDbtInd"), where);
            Camt053Values.Amount amount = Camt053Values.amount(entry.child("Amt"), where + " Amt");
            if (amount == null) {
                throw new StatementException(where + ": no Amt; expected the entry's amount with its Ccy");
            }
            LocalDate booked = Camt053Values.date(entry.child("BookgDt"), where + " BookgDt");
            if (booked == null) {
                throw new StatementException(where + ": no booking date; expected BookgDt/Dt or BookgDt/DtTm");
            }
            LocalDate value = Camt053Values.date(entry.child("ValDt"), where + " ValDt");
            String code = bankTransactionCode(entry.child("BkTxCd"));
            String info = entry.text("AddtlNtryInf");
            List<XmlElement> details = new ArrayList<>();
            for (XmlElement group : entry.all("NtryDtls")) {
                details.addAll(group.all("TxDtls"));
            }
            if (details.isEmpty()) {
                transactions.add(new BankTransaction(account.id() + "/" + entryReference, direction, amount.value(), amount.currency(),
                        booked, value, account, null, null, List.of(), entryReference, null, statementId, messageId, null, code, info));
                return;
            }
            for (int i = 0; i < details.size(); i++) {
                XmlElement tx = details.get(i);
                String at = where + ", TxDtls[" + (i + 1) + "]";
                Camt053Values.Amount txAmount = Camt053Values.firstAmount(tx, at);
                if (txAmount == null) {
                    if (details.size() > 1) {
                        throw new StatementException(at + ": no amount; expected Amt or AmtDtls/TxAmt/Amt in each transaction of a batch");
                    }
                    txAmount = amount;
                }
                String txIndicator = tx.text("CdtDbtInd");
                Direction txDirection = txIndicator == null ? direction : Camt053Values.direction(txIndicator, at);
                boolean batch = details.size() > 1;
                String paymentId = account.id() + "/" + entryReference + (batch ? "/" + (i + 1) : "");
                Remittance remittance = remittance(tx.child("RmtInf"));
                String endToEnd = tx.text("Refs/EndToEndId");
                transactions.add(new BankTransaction(paymentId, txDirection, txAmount.value(), txAmount.currency(), booked, value, account,
                        party(tx, txDirection), remittance.text(), remittance.references(), entryReference,
                        NOT_PROVIDED.equals(endToEnd) ? null : endToEnd, statementId, messageId,
                        batch ? new Batch(i + 1, details.size()) : null, code, info));
            }
        }

        private static String bankTransactionCode(XmlElement code) {
            if (code == null) {
                return null;
            }
            String domain = code.text("Domn/Cd");
            if (domain != null) {
                String family = code.text("Domn/Fmly/Cd");
                String sub = code.text("Domn/Fmly/SubFmlyCd");
                return domain + (family == null ? "" : "/" + family) + (sub == null ? "" : "/" + sub);
            }
            return code.text("Prtry/Cd");
        }

        private static Party party(XmlElement tx, Direction direction) {
            String role = direction == Direction.CREDIT ? "Dbtr" : "Cdtr";
            XmlElement parties = tx.child("RltdPties");
            String name = parties == null ? null : parties.firstText(role + "/Pty/Nm", role + "/Nm", "Ultmt" + role + "/Pty/Nm",
                    "Ultmt" + role + "/Nm");
            String iban = parties == null ? null : parties.text(role + "Acct/Id/IBAN");
            String bic = tx.firstText("RltdAgts/" + role + "Agt/FinInstnId/BICFI", "RltdAgts/" + role + "Agt/FinInstnId/BIC");
            return name == null && iban == null && bic == null ? null : new Party(name, iban, bic);
        }

        private record Remittance(String text, List<String> references) {
        }

        private static Remittance remittance(XmlElement rmtInf) {
            if (rmtInf == null) {
                return new Remittance(null, List.of());
            }
            List<String> lines = new ArrayList<>();
            Set<String> references = new LinkedHashSet<>();
            for (XmlElement line : rmtInf.all("Ustrd")) {
                if (line.text() != null && !line.text().isBlank()) {
                    lines.add(line.text().strip());
                }
            }
            for (XmlElement structured : rmtInf.all("Strd")) {
                for (XmlElement document : structured.all("RfrdDocInf")) {
                    String number = document.text("Nb");
                    if (number != null) {
                        references.add(number);
                    }
                }
                String creditorReference = structured.text("CdtrRefInf/Ref");
                if (creditorReference != null) {
                    references.add(creditorReference);
                }
                for (XmlElement additional : structured.all("AddtlRmtInf")) {
                    if (additional.text() != null && !additional.text().isBlank()) {
                        lines.add(additional.text().strip());
                    }
                }
            }
            return new Remittance(lines.isEmpty() ? null : String.join(" ", lines), List.copyOf(references));
        }

        /** Reads the element the reader is at, children included, and leaves the reader on its end tag. */
        private XmlElement element(int depth) throws XMLStreamException, StatementException {
            if (depth > MAX_DEPTH) {
                throw new StatementException("Elements nested deeper than " + MAX_DEPTH + " at line " + reader.getLocation().getLineNumber()
                        + ": expected a camt.053 statement");
            }
            String name = reader.getLocalName();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < reader.getAttributeCount(); i++) {
                attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
            }
            List<XmlElement> children = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> children.add(element(depth + 1));
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> text.append(reader.getText());
                    case XMLStreamConstants.END_ELEMENT -> {
                        return new XmlElement(name, text.toString(), Map.copyOf(attributes), List.copyOf(children));
                    }
                    default -> {
                        // comments and processing instructions carry nothing a statement needs
                    }
                }
            }
            throw new XMLStreamException("The document ends inside " + name);
        }

        private void skip() throws XMLStreamException {
            int depth = 1;
            while (reader.hasNext() && depth > 0) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        }

        private boolean nextStart() throws XMLStreamException {
            while (reader.hasNext()) {
                if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                    return true;
                }
            }
            return false;
        }
    }
}
