package dev.switchboard.connectors.sources.cdc;

import dev.switchboard.connectors.sources.DebeziumPostgresSourceFactory;
import dev.switchboard.schemas.spi.Source;
import java.nio.file.Path;

/**
 * A debezium-postgres source alone in a JVM, publishing to an {@link EventLog}, so that a test can
 * kill it ({@code SIGKILL}: no shutdown hook, no final offset flush) in the middle of a stream.
 * Arguments: PostgreSQL port, schema, working folder, event log file, acknowledgement delay in ms.
 */
public final class ChangeStreamProcess {

    private ChangeStreamProcess() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String schema = args[1];
        Path dir = Path.of(args[2]);
        EventLog log = new EventLog(Path.of(args[3]), Long.parseLong(args[4]));
        DebeziumPostgresSourceFactory factory = new DebeziumPostgresSourceFactory();
        Source source = factory.create("crm", CdcFixtures.options(port, schema, "initial"), CdcFixtures.environment(dir, log));
        source.start();
        Thread.currentThread().join(); // until killed
    }
}
