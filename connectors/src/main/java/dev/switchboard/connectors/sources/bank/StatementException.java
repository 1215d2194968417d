package dev.switchboard.connectors.sources.bank;

/** A document that is not a camt.053 statement Switchboard can read; the message says where and what. */
public final class StatementException extends Exception {

    public StatementException(String message) {
        super(message);
    }
}
