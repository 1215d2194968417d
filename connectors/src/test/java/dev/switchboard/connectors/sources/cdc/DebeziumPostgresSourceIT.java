package dev.switchboard.connectors.sources.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.connectors.sources.DebeziumPostgresSourceFactory;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.Source;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debezium-postgres source against a real PostgreSQL with logical decoding: inserts, updates and
 * deletes become crm.* events; nothing is committed before it is acknowledged; and a source killed
 * in the middle of a stream loses no change when it starts again, a replayed change keeping its id.
 */
class DebeziumPostgresSourceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static LogicalPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        postgres = LogicalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void createTables(String schema) {
        postgres.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".leads (id bigint PRIMARY KEY, first_name text, last_name text, email text, company_name text, "
                        + "employee_count integer, score numeric(5,2), created_at timestamptz NOT NULL DEFAULT now(), "
                        + "first_contact date, last_seen timestamp)",
                "ALTER TABLE " + schema + ".leads REPLICA IDENTITY FULL",
                "CREATE TABLE " + schema + ".contacts (id integer PRIMARY KEY, email text)",
                "CREATE TABLE " + schema + ".invoices (id integer PRIMARY KEY, total numeric)");
    }

    private Source start(String schema, String snapshotMode, EventPublisher publisher) throws Exception {
        Source source = new DebeziumPostgresSourceFactory().create("crm", CdcFixtures.options(postgres.port(), schema, snapshotMode),
                CdcFixtures.environment(dir, publisher));
        source.start();
        return source;
    }

    private static List<EventLog.Entry> awaitEvents(Path log, int count) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> EventLog.read(log).size() >= count);
        return EventLog.read(log);
    }

    @Test
    void should_publish_snapshot_created_updated_and_deleted_events_when_rows_change() throws Exception {
        // given a lead that exists before the source starts, and the source with an initial snapshot
        createTables("mapping");
        postgres.execute("INSERT INTO mapping.leads (id, first_name, last_name, email, company_name, employee_count) "
                + "VALUES (1, 'Grace', 'Hopper', 'grace@example.com', 'Navy', 5000)");
        Path log = dir.resolve("events.log");
        try (EventLog kafka = new EventLog(log, 0); Source source = start("mapping", "initial", kafka)) {
            awaitEvents(log, 1);

            // when rows are inserted, updated and deleted
            postgres.execute(
                    "INSERT INTO mapping.leads (id, first_name, last_name, email, company_name, employee_count, score, first_contact, last_seen) "
                            + "VALUES (2, 'Ada', 'Lovelace', 'ada@example.com', 'Analytical Engines', 250, 87.5, '2026-03-02', "
                            + "'2026-03-02 09:15:00.25')",
                    "UPDATE mapping.leads SET company_name = 'Babbage & Co' WHERE id = 2",
                    "INSERT INTO mapping.contacts VALUES (10, 'kay@example.com')",
                    "INSERT INTO mapping.invoices VALUES (1, 99.90)",
                    "DELETE FROM mapping.contacts WHERE id = 10",
                    "DELETE FROM mapping.leads WHERE id = 1");
            List<EventLog.Entry> events = awaitEvents(log, 6);

            // then each change is one event of the configured entity, in order; the unconfigured table publishes nothing
            assertThat(events).extracting(EventLog.Entry::type).containsExactly("crm.lead.snapshot", "crm.lead.created",
                    "crm.lead.updated", "crm.contact.created", "crm.contact.deleted", "crm.lead.deleted");
            assertThat(events).extracting(EventLog.Entry::key).containsExactly("1", "2", "2", "10", "10", "1");
            // the log has an event as soon as it is acknowledged, a moment before the source counts it
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(source.health()).containsEntry("state", "running").containsEntry("events_published", 6L));

            EventLog.Entry created = events.get(1);
            assertThat(created.event().path("source").asText()).isEqualTo("/cdc/postgres/postgres/mapping.leads");
            assertThat(created.event().path("subject").asText()).isEqualTo("2");
            assertThat(created.data().path("lead_id").asText()).isEqualTo("2");
            assertThat(created.data().path("employees").asInt()).isEqualTo(250);
            assertThat(created.data().path("company").asText()).isEqualTo("Analytical Engines");
            assertThat(created.data().path("table").asText()).isEqualTo("mapping.leads");
            assertThat(created.data().path("op").asText()).isEqualTo("c");
            assertThat(created.data().path("lsn").canConvertToLong()).isTrue();
            assertThat(created.data().path("before").isNull()).isTrue();
            assertThat(created.data().path("after").path("score").asText()).isEqualTo("87.50");
            assertThat(created.data().path("after").path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(created.data().path("after").path("first_contact").asText()).isEqualTo("2026-03-02Z");
            assertThat(created.data().path("after").path("last_seen").asText()).startsWith("2026-03-02T09:15:00.25");
            assertThat(new EventParser().parse(created.line().substring(created.line().indexOf('\t') + 1).getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(EventParser.Accepted.class);

            EventLog.Entry updated = events.get(2);
            assertThat(updated.data().path("before").path("company_name").asText()).isEqualTo("Analytical Engines");
            assertThat(updated.data().path("after").path("company_name").asText()).isEqualTo("Babbage & Co");
            assertThat(updated.data().path("company").asText()).isEqualTo("Babbage & Co");

            EventLog.Entry deletedContact = events.get(4);
            assertThat(deletedContact.data().path("before").path("id").asInt()).isEqualTo(10);
            assertThat(deletedContact.data().path("after").isNull()).isTrue();
            EventLog.Entry deletedLead = events.get(5);
            assertThat(deletedLead.data().path("lead_id").asText()).isEqualTo("1");
            assertThat(deletedLead.data().path("first_name").asText()).isEqualTo("Grace");
            assertThat(events).extracting(EventLog.Entry::id).doesNotHaveDuplicates();
        }
    }

    @Test
    void should_publish_the_batch_again_with_the_same_ids_when_kafka_did_not_acknowledge_it() throws Exception {
        // given a source whose Kafka refuses every event
        createTables("refused");
        List<String> attempted = new CopyOnWriteArrayList<>();
        AtomicBoolean refusing = new AtomicBoolean(true);
        Path log = dir.resolve("events.log");
        try (EventLog kafka = new EventLog(log, 0)) {
            EventPublisher flaky = (topic, key, event) -> {
                attempted.add(new String(event, StandardCharsets.UTF_8));
                return refusing.get() ? CompletableFuture.failedFuture(new IllegalStateException("NOT_ENOUGH_REPLICAS"))
                        : kafka.publish(topic, key, event);
            };
            Source source = start("refused", "no_data", flaky);
            await().atMost(PATIENCE).until(() -> "running".equals(source.health().get("state")));
            awaitSlot("slot_refused");

            // when two leads are inserted while Kafka refuses, and the source is stopped before Kafka recovers
            postgres.execute("INSERT INTO refused.leads (id, first_name) VALUES (1, 'Ada')",
                    "INSERT INTO refused.leads (id, first_name) VALUES (2, 'Grace')");
            await().atMost(PATIENCE).until(() -> attempted.size() >= 2);
            // the publisher sees the attempt before the source has read its answer
            await().atMost(PATIENCE).until(() -> source.health().containsKey("last_error"));
            source.close();
            Set<String> refusedIds = attempted.stream().map(DebeziumPostgresSourceIT::id).collect(Collectors.toSet());

            // and started again with Kafka acknowledging
            refusing.set(false);
            try (Source restarted = start("refused", "no_data", flaky)) {
                List<EventLog.Entry> events = awaitEvents(log, 2);

                // then nothing was committed past the refused events: both arrive, under the ids first tried
                assertThat(events).extracting(EventLog.Entry::type).containsExactly("crm.lead.created", "crm.lead.created");
                assertThat(events).extracting(EventLog.Entry::id).containsExactlyInAnyOrderElementsOf(refusedIds);
            }
        }
    }

    @Test
    void should_lose_no_change_when_the_source_is_killed_in_the_middle_and_started_again() throws Exception {
        // given a source in its own JVM whose "Kafka" acknowledges each event after 10 ms
        createTables("crash");
        postgres.execute("INSERT INTO crash.contacts VALUES (0, 'first@example.com')");
        Path log = dir.resolve("events.log");
        Process child = startChild("crash", log, 10);
        int expected = 1;
        int beforeKill;
        try {
            awaitEvents(log, 1); // the snapshot row: the stream is running

            // when 300 changes are committed and the source is killed (SIGKILL) after about a third of them, in the middle of a batch
            Thread writer = new Thread(() -> {
                for (int batch = 0; batch < 30; batch++) {
                    List<String> statements = new ArrayList<>();
                    for (int i = 1; i <= 10; i++) {
                        int id = batch * 10 + i;
                        statements.add("INSERT INTO crash.contacts VALUES (" + id + ", 'c" + id + "@example.com')");
                    }
                    statements.add("UPDATE crash.contacts SET email = 'updated-" + batch + "@example.com' WHERE id = " + (batch * 10 + 1));
                    postgres.transaction(statements.toArray(String[]::new));
                }
            });
            writer.start();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> EventLog.read(log).size() >= 110);
            child.destroyForcibly().waitFor();
            beforeKill = EventLog.read(log).size();
            writer.join();
            expected += 30 * 11;
            assertThat(beforeKill).as("killed in the middle").isLessThan(expected);
        } finally {
            child.destroyForcibly().waitFor();
        }

        // and the source starts again, in this JVM, from what the killed one had committed
        try (EventLog kafka = new EventLog(log, 0); Source restarted = start("crash", "initial", kafka)) {
            int total = expected;
            await().atMost(PATIENCE).until(() -> distinctChanges(EventLog.read(log)).size() >= total);
            List<EventLog.Entry> events = EventLog.read(log);

            // then every change arrived at least once
            Set<String> changes = distinctChanges(events);
            assertThat(changes).hasSize(expected);
            for (int id = 1; id <= 300; id++) {
                assertThat(changes).contains("crm.contact.created/" + id);
            }
            // and a change published twice carries the same id and the same content both times
            Map<String, Set<String>> linesById = events.stream().collect(Collectors.groupingBy(EventLog.Entry::id,
                    Collectors.mapping(EventLog.Entry::line, Collectors.toSet())));
            assertThat(linesById.values()).allSatisfy(lines -> assertThat(lines).hasSize(1));
            assertThat(linesById).hasSize(expected);
            // the restart resumed from the committed position, replaying only the batch in flight (and what was not yet flushed)
            assertThat(events).filteredOn(event -> event.type().equals("crm.contact.snapshot")).hasSize(1);
            assertThat(events.size() - expected).as("events published twice").isLessThan(beforeKill);
        }
    }

    /** One entry per distinct change: its type and row, plus the LSN for updates of the same row. */
    private static Set<String> distinctChanges(List<EventLog.Entry> events) {
        Set<String> changes = new HashSet<>();
        for (EventLog.Entry event : events) {
            String change = event.type() + "/" + event.key();
            changes.add(event.type().endsWith(".updated") ? change + "@" + event.data().path("lsn").asText() : change);
        }
        return changes;
    }

    private Process startChild(String schema, Path log, long ackDelayMillis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        File output = dir.resolve("child.log").toFile();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ChangeStreamProcess.class.getName(),
                Integer.toString(postgres.port()), schema, dir.toString(), log.toString(), Long.toString(ackDelayMillis))
                .redirectErrorStream(true)
                .redirectOutput(output)
                .start();
    }

    private static void awaitSlot(String slot) {
        await().atMost(PATIENCE).until(() -> {
            try {
                postgres.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot
                        + "' AND active) THEN RAISE EXCEPTION 'not yet'; END IF; END $$");
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        });
    }

    private static String id(String json) {
        int start = json.indexOf("\"id\":\"") + 6;
        return json.substring(start, json.indexOf('"', start));
    }
}
