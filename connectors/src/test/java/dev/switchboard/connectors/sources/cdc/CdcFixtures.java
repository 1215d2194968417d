package dev.switchboard.connectors.sources.cdc;

import dev.switchboard.connectors.sources.DebeziumPostgresSource;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Options and an environment for the debezium-postgres tests. */
final class CdcFixtures {

    private CdcFixtures() {
    }

    /** A source for {@code <schema>.leads} (entity lead, mapped to crm.lead.created) and {@code <schema>.contacts}. */
    static DebeziumPostgresSource.Options options(int port, String schema, String snapshotMode) {
        Map<String, DebeziumPostgresSource.Table> tables = Map.of(
                schema + ".leads", new DebeziumPostgresSource.Table("lead", Map.of("lead_id", "id", "first_name", "first_name",
                        "last_name", "last_name", "email", "email", "company", "company_name", "employees", "employee_count")),
                schema + ".contacts", new DebeziumPostgresSource.Table("contact", null));
        return new DebeziumPostgresSource.Options("127.0.0.1", port, "postgres", "postgres", "PGPASSWORD", null, "disable", tables,
                "it.crm", null, snapshotMode, "slot_" + schema, "pub_" + schema, null, 10, 100,
                // small batches, so that a crash falls between committed batches
                Map.of("slot.retry.delay.ms", "1000", "max.batch.size", "20"));
    }

    static SourceEnvironment environment(Path dir, EventPublisher publisher) {
        return new SourceEnvironment() {
            @Override
            public Path baseDir() {
                return dir;
            }

            @Override
            public Path stateDir(String sourceName) {
                return dir.resolve("state").resolve(sourceName);
            }

            @Override
            public Optional<String> secret(String name) {
                // trust authentication: any password is accepted
                return Optional.of("unused");
            }

            @Override
            public EventPublisher events() {
                return publisher;
            }

            @Override
            public HttpIngress http() {
                throw new UnsupportedOperationException("not a webhook source");
            }
        };
    }
}
