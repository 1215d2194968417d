package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.YamlOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Statements dropped in a folder: published then moved to done/, unreadable ones to failed/ with the reason, and nothing lost. */
class Camt053FolderSourceTest {

    private static final byte[] STATEMENT = Fixtures.bytes("camt053/statement-v08.xml");

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Camt053FolderSource source;

    @AfterEach
    void close() {
        source.close();
    }

    @Test
    void should_publish_the_statement_and_move_it_to_done_when_kafka_acknowledges() throws Exception {
        // given
        start("entries: all");
        Path file = drop("2026-11.xml", STATEMENT);

        // when
        source.poll();

        // then
        assertThat(environment.published()).hasSize(5).extracting(RecordingEnvironment.Published::topic).containsOnly("switchboard.events");
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("inbox/done/2026-11.xml")).hasBinaryContent(STATEMENT);
        assertThat(source.health()).containsEntry("done", 1L).containsEntry("published", 5L);
    }

    @Test
    void should_move_the_file_to_failed_with_its_reason_when_it_is_no_statement() throws Exception {
        // given
        start("");
        drop("invoice.xml", "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>".getBytes(StandardCharsets.UTF_8));

        // when
        source.poll();

        // then
        assertThat(environment.published()).isEmpty();
        assertThat(dir.resolve("inbox/failed/invoice.xml")).exists();
        assertThat(dir.resolve("inbox/failed/invoice.xml.reason.txt")).content(StandardCharsets.UTF_8)
                .startsWith("Not a camt.053 statement: got root element 'Invoice'");
        assertThat(source.health()).containsEntry("failed", 1L);
    }

    @Test
    void should_leave_the_file_to_read_again_under_the_same_ids_when_kafka_does_not_acknowledge() throws Exception {
        // given
        start("");
        Path file = drop("2026-11.xml", STATEMENT);
        environment.kafka(RecordingEnvironment.Kafka.FAILS);

        // when
        source.poll();

        // then it stays; once Kafka is back the next poll publishes it and moves it
        assertThat(file).exists();
        assertThat(environment.published()).isEmpty();
        environment.kafka(RecordingEnvironment.Kafka.ACKNOWLEDGES);
        source.poll();
        assertThat(file).doesNotExist();
        assertThat(environment.published()).hasSize(3);
    }

    @Test
    void should_wait_for_a_file_still_being_written_when_it_changed_within_the_settle_time() throws Exception {
        // given a file written just now, and one that has not changed for a minute
        start("settle_seconds: 30");
        Path fresh = drop("fresh.xml", STATEMENT);
        Files.setLastModifiedTime(fresh, FileTime.from(Instant.now()));
        Path settled = drop("settled.xml", Fixtures.bytes("camt053/statement-v02.xml"));

        // when
        source.poll();

        // then
        assertThat(fresh).exists();
        assertThat(settled).doesNotExist();
    }

    @Test
    void should_keep_both_files_when_a_statement_of_the_same_name_was_done_before() throws Exception {
        // given
        start("");
        drop("2026-11.xml", STATEMENT);
        source.poll();

        // when the same file comes again
        drop("2026-11.xml", STATEMENT);
        source.poll();

        // then both are in done/, and the second publish carries the same event ids
        try (var done = Files.list(dir.resolve("inbox/done"))) {
            assertThat(done.map(path -> path.getFileName().toString())).hasSize(2).contains("2026-11.xml");
        }
        assertThat(environment.published()).hasSize(6);
        assertThat(environment.published().subList(3, 6)).extracting(RecordingEnvironment.Published::json)
                .isEqualTo(environment.published().subList(0, 3).stream().map(RecordingEnvironment.Published::json).toList());
    }

    private void start(String options) throws Exception {
        environment = new RecordingEnvironment(dir, Map.of());
        Camt053FolderSourceFactory factory = new Camt053FolderSourceFactory();
        Camt053FolderSourceFactory.Options bound = YamlOptions.bind(Camt053FolderSourceFactory.Options.class,
                "folder: inbox\npoll_seconds: 3600\nack_timeout_seconds: 1\n" + (options.contains("settle") ? "" : "settle_seconds: 0\n") + options);
        assertThat(factory.check(bound, environment)).isEmpty();
        source = (Camt053FolderSource) factory.create("bank-folder", bound, environment);
        source.start();
    }

    private Path drop(String name, byte[] content) throws Exception {
        Path file = dir.resolve("inbox").resolve(name);
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return file;
    }
}
