package dev.switchboard.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFileSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_append_one_json_line_per_task_when_tasks_are_delivered() throws IOException {
        // given
        Task first = task("evt-1", "Refund request");
        Task second = task("evt-2", "Password reset");

        // when
        DeliveryResult firstResult;
        DeliveryResult secondResult;
        try (TaskSink sink = sink("tasks.jsonl")) {
            firstResult = sink.deliver(first);
            secondResult = sink.deliver(second);
        }

        // then
        assertThat(firstResult).isEqualTo(new DeliveryResult.Delivered("appended"));
        assertThat(secondResult).isEqualTo(new DeliveryResult.Delivered("appended"));
        List<JsonNode> lines = readLines(dir.resolve("tasks.jsonl"));
        assertThat(lines).containsExactly(JSON.valueToTree(first), JSON.valueToTree(second));
        assertThat(Files.readString(dir.resolve("tasks.jsonl"), StandardCharsets.UTF_8)).endsWith("\n");
    }

    @Test
    void should_write_once_when_same_task_id_is_delivered_twice() throws IOException {
        // given
        Task task = task("evt-1", "Refund request");

        // when
        DeliveryResult again;
        try (TaskSink sink = sink("tasks.jsonl")) {
            sink.deliver(task);
            again = sink.deliver(task);
        }

        // then
        assertThat(again).isEqualTo(new DeliveryResult.Delivered("already in file"));
        assertThat(readLines(dir.resolve("tasks.jsonl"))).hasSize(1);
    }

    @Test
    void should_skip_ids_already_in_file_when_sink_is_reopened() throws IOException {
        // given a file written by an earlier sink instance (a restart)
        Task first = task("evt-1", "Refund request");
        try (TaskSink sink = sink("tasks.jsonl")) {
            sink.deliver(first);
        }

        // when a new instance receives the same task again and a new one
        DeliveryResult redelivered;
        DeliveryResult fresh;
        Task second = task("evt-2", "Password reset");
        try (TaskSink sink = sink("tasks.jsonl")) {
            redelivered = sink.deliver(first);
            fresh = sink.deliver(second);
        }

        // then
        assertThat(redelivered).isEqualTo(new DeliveryResult.Delivered("already in file"));
        assertThat(fresh).isEqualTo(new DeliveryResult.Delivered("appended"));
        assertThat(readLines(dir.resolve("tasks.jsonl")))
                .extracting(node -> node.path("id").asText())
                .containsExactly(first.id(), second.id());
    }

    @Test
    void should_write_again_on_own_line_when_file_ends_with_line_cut_by_crash() throws IOException {
        // given a file whose last line was cut short mid-write (a crash), in ASCII and inside a multi-byte character
        Task kept = task("evt-1", "Refund request");
        Task torn = task("evt-2", "Password reset");
        for (int cut : new int[] {25, tornInsideMultiByteChar(torn)}) {
            Path file = dir.resolve("torn-" + cut + ".jsonl");
            byte[] tornLine = JSON.writeValueAsBytes(torn);
            Files.write(file, (JSON.writeValueAsString(kept) + "\n").getBytes(StandardCharsets.UTF_8));
            Files.write(file, java.util.Arrays.copyOf(tornLine, cut), java.nio.file.StandardOpenOption.APPEND);

            // when the sink restarts and the cut task is redelivered
            DeliveryResult keptAgain;
            DeliveryResult tornAgain;
            try (TaskSink sink = sink(file.getFileName().toString())) {
                keptAgain = sink.deliver(kept);
                tornAgain = sink.deliver(torn);
            }

            // then the complete task is skipped, the cut one is written whole on a line of its own
            assertThat(keptAgain).as("cut at %d", cut).isEqualTo(new DeliveryResult.Delivered("already in file"));
            assertThat(tornAgain).as("cut at %d", cut).isEqualTo(new DeliveryResult.Delivered("appended"));
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            assertThat(lines).as("cut at %d", cut).hasSize(3);
            assertThat(JSON.readTree(lines.get(2).getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(JSON.valueToTree(torn));
        }
    }

    /** A byte offset inside the first multi-byte character of the task's JSON. */
    private static int tornInsideMultiByteChar(Task task) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(task);
        for (int i = 0; i < bytes.length; i++) {
            if ((bytes[i] & 0xE0) == 0xC0) {
                return i + 1;
            }
        }
        throw new IllegalStateException("no two-byte character in " + new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void should_create_parent_folders_when_they_do_not_exist() throws IOException {
        // given
        Path file = dir.resolve("out/nested/tasks.jsonl");
        assertThat(file.getParent()).doesNotExist();

        // when
        try (TaskSink sink = sink("out/nested/tasks.jsonl")) {
            sink.deliver(task("evt-1", "Refund request"));
        }

        // then
        assertThat(file).isRegularFile();
        assertThat(readLines(file)).hasSize(1);
    }

    @Test
    void should_resolve_relative_path_against_base_dir_when_creating() {
        // given
        JsonlFileSinkFactory factory = new JsonlFileSinkFactory();

        // when
        try (TaskSink sink = factory.create("local", new JsonlFileSinkFactory.Options("tasks.jsonl"), environment())) {
            sink.deliver(task("evt-1", "Refund request"));
            assertThat(sink.name()).isEqualTo("local");
        }

        // then
        assertThat(dir.resolve("tasks.jsonl")).isRegularFile();
    }

    private TaskSink sink(String path) {
        return new JsonlFileSinkFactory().create("local", new JsonlFileSinkFactory.Options(path), environment());
    }

    private SinkEnvironment environment() {
        Path baseDir = dir;
        return new SinkEnvironment() {
            @Override
            public Path baseDir() {
                return baseDir;
            }

            @Override
            public Set<String> allowedHosts() {
                return Set.of();
            }

            @Override
            public Optional<String> secret(String name) {
                return Optional.empty();
            }
        };
    }

    private static List<JsonNode> readLines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank())
                .map(line -> {
                    try {
                        return JSON.readTree(line);
                    } catch (IOException e) {
                        throw new AssertionError("Not a JSON line: " + line, e);
                    }
                })
                .toList();
    }

    private static Task task(String eventId, String title) {
        return new Task(Task.idFor("ticket-triage", "/test", eventId, "create-task"), "ticket-triage", "create-task", "local",
                eventId, "ticket.created", title, "Body of " + title + " — ünïcödé", "normal", null, null,
                Map.of("label", "billing"), null, "2026-11-02T09:00:00Z");
    }
}
