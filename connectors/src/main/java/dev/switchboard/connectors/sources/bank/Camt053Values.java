package dev.switchboard.connectors.sources.bank;

import dev.switchboard.connectors.sources.bank.BankTransaction.Direction;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The values of a camt.053 entry the {@link Camt053Parser} checks as it reads them: direction, amounts and dates. */
final class Camt053Values {

    private Camt053Values() {
    }

    static Direction direction(String indicator, String where) throws StatementException {
        if ("CRDT".equals(indicator)) {
            return Direction.CREDIT;
        }
        if ("DBIT".equals(indicator)) {
            return Direction.DEBIT;
        }
        throw new StatementException(where + ": got CdtDbtInd '" + indicator + "', expected CRDT or DBIT");
    }

    record Amount(BigDecimal value, String currency) {
    }

    static Amount firstAmount(XmlElement tx, String where) throws StatementException {
        for (String path : List.of("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")) {
            Amount amount = amount(tx.at(path), where + " " + path);
            if (amount != null) {
                return amount;
            }
        }
        return null;
    }

    static Amount amount(XmlElement element, String where) throws StatementException {
        if (element == null || element.text() == null || element.text().isBlank()) {
            return null;
        }
        String currency = element.attributes().get("Ccy");
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new StatementException(where + ": got currency '" + currency + "', expected an ISO 4217 code in the Ccy attribute");
        }
        try {
            BigDecimal value = new BigDecimal(element.text().strip());
            if (value.signum() <= 0) {
                throw new StatementException(where + ": got '" + element.text().strip() + "', expected a positive amount "
                        + "(the direction is in CdtDbtInd)");
            }
            return new Amount(value, currency);
        } catch (NumberFormatException e) {
            throw new StatementException(where + ": got '" + element.text().strip() + "', expected a decimal amount such as 1167.95");
        }
    }

    static LocalDate date(XmlElement element, String where) throws StatementException {
        if (element == null) {
            return null;
        }
        String date = element.text("Dt");
        String dateTime = element.text("DtTm");
        try {
            if (date != null) {
                return LocalDate.parse(date);
            }
            if (dateTime != null) {
                try {
                    return OffsetDateTime.parse(dateTime).toLocalDate();
                } catch (DateTimeParseException e) {
                    return LocalDateTime.parse(dateTime).toLocalDate();
                }
            }
            return null;
        } catch (DateTimeParseException e) {
            throw new StatementException(where + ": got '" + (date != null ? date : dateTime) + "', expected an ISO date "
                    + "(2026-10-01) or date-time");
        }
    }
}
