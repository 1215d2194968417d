package dev.switchboard.connectors.sources.cdc;

import dev.switchboard.connectors.sources.DebeziumPostgresSourceFactory;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.nio.file.Path;
import java.util.Optional;

/** Options and an environment for the debezium-postgres tests. */
final class CdcFixtures {

    private CdcFixtures() {
    }

    /** A source for {@code <schema>.leads} (entity lead, mapped to crm.lead.created) and {@code <schema>.contacts}. */
    static DebeziumPostgresSourceFactory.Options options(int port, String schema, String snapshotMode) {
        return YamlOptions.bind(DebeziumPostgresSourceFactory.Options.class, """
                hostname: 127.0.0.1
                port: %d
                database: postgres
                user: postgres
                password_env: PGPASSWORD
                ssl_mode: disable
                tables:
                  %s.leads:
                    entity: lead
                    fields: {lead_id: id, first_name: first_name, last_name: last_name, email: email, company: company_name,
                             employees: employee_count}
                  %s.contacts:
                    entity: contact
                topic: it.crm
                snapshot_mode: %s
                slot_name: slot_%s
                publication_name: pub_%s
                ack_timeout_seconds: 10
                offset_flush_ms: 100
                # small batches, so that a crash falls between committed batches
                debezium_properties: {slot.retry.delay.ms: "1000", max.batch.size: "20"}
                """.formatted(port, schema, schema, snapshotMode, schema, schema));
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
