package dev.switchboard.connectors.sources.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayGuardTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void should_refuse_a_replay_after_restart_when_the_id_is_still_within_its_window() {
        // given an id accepted by a first process
        Path file = dir.resolve("replay-ids.log");
        try (ReplayGuard first = ReplayGuard.durable(file, Clock.fixed(NOW, ZoneOffset.UTC))) {
            first.reserve("standard-webhooks:msg_1", NOW.plusSeconds(300)).orElseThrow().commit();
        }

        // when a second process starts two minutes later
        try (ReplayGuard second = ReplayGuard.durable(file, Clock.fixed(NOW.plusSeconds(120), ZoneOffset.UTC))) {

            // then the id is still refused, and a new one is accepted
            assertThat(second.reserve("standard-webhooks:msg_1", NOW.plusSeconds(420))).isEmpty();
            assertThat(second.reserve("standard-webhooks:msg_2", NOW.plusSeconds(420))).isPresent();
        }
    }

    @Test
    void should_forget_an_id_when_its_window_has_passed() {
        // given
        Path file = dir.resolve("replay-ids.log");
        try (ReplayGuard first = ReplayGuard.durable(file, Clock.fixed(NOW, ZoneOffset.UTC))) {
            first.reserve("msg_1", NOW.plusSeconds(300)).orElseThrow().commit();
        }

        // when a process starts after the window
        try (ReplayGuard later = ReplayGuard.durable(file, Clock.fixed(NOW.plusSeconds(301), ZoneOffset.UTC))) {

            // then the id is gone from memory and from the rewritten file
            assertThat(later.size()).isZero();
        }
        assertThat(file).isEmptyFile();
    }

    @Test
    void should_store_only_digests_of_ids_when_writing_the_file() throws Exception {
        // given
        Path file = dir.resolve("replay-ids.log");

        // when
        try (ReplayGuard guard = ReplayGuard.durable(file, Clock.fixed(NOW, ZoneOffset.UTC))) {
            guard.reserve("zendesk:c2lnbmF0dXJl", NOW.plusSeconds(300)).orElseThrow().commit();
        }

        // then
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).singleElement().asString().matches("\\d+ [0-9a-f]{64}").doesNotContain("c2lnbmF0dXJl");
    }

    @Test
    void should_keep_reading_when_the_file_ends_in_a_torn_line() throws Exception {
        // given a crash cut the last line short
        Path file = dir.resolve("replay-ids.log");
        try (ReplayGuard first = ReplayGuard.durable(file, Clock.fixed(NOW, ZoneOffset.UTC))) {
            first.reserve("msg_1", NOW.plusSeconds(300)).orElseThrow().commit();
        }
        Files.writeString(file, "17724", java.nio.file.StandardOpenOption.APPEND);

        // when
        try (ReplayGuard second = ReplayGuard.durable(file, Clock.fixed(NOW, ZoneOffset.UTC))) {

            // then
            assertThat(second.reserve("msg_1", NOW.plusSeconds(300))).isEmpty();
        }
    }

    @Test
    void should_accept_the_id_again_when_the_reservation_was_released() {
        // given
        ReplayGuard guard = ReplayGuard.inMemory(Clock.fixed(NOW, ZoneOffset.UTC));
        guard.reserve("msg_1", NOW.plusSeconds(300)).orElseThrow().release();

        // when / then
        assertThat(guard.reserve("msg_1", NOW.plusSeconds(300))).isPresent();
    }
}
