package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    @TempDir
    Path dir;

    @Test
    void should_read_quoted_fields_when_csv_has_commas_quotes_and_line_breaks() throws IOException {
        // given
        Path file = dir.resolve("data.csv");
        Files.writeString(file, "\uFEFFtext,category\r\n"
                + "plain text,card_arrival\r\n"
                + "\"with, a comma\",top_up\n"
                + "\"she said \"\"hi\"\"\nover two lines\",\"lost_or_stolen_card\"\n");

        // when
        Dataset dataset = Dataset.read(file);

        // then
        assertThat(dataset.columns()).containsExactly("text", "category");
        assertThat(dataset.column("text")).containsExactly("plain text", "with, a comma", "she said \"hi\"\nover two lines");
        assertThat(dataset.column("category")).containsExactly("card_arrival", "top_up", "lost_or_stolen_card");
    }

    @Test
    void should_read_objects_when_the_file_is_json_lines() throws IOException {
        // given
        Path file = dir.resolve("data.jsonl");
        Files.writeString(file, "{\"subject\": \"Refund\", \"label\": \"billing\", \"n\": 3}\n\n{\"subject\": \"Crash\", \"label\": \"bug\"}\n");

        // when
        Dataset dataset = Dataset.read(file);

        // then
        assertThat(dataset.rows()).hasSize(2);
        assertThat(dataset.rows().get(0)).containsEntry("subject", "Refund");
        assertThat(((Number) dataset.rows().get(0).get("n")).intValue()).isEqualTo(3);
        assertThat(dataset.column("label")).containsExactly("billing", "bug");
    }

    @Test
    void should_name_the_row_when_a_field_is_missing() throws IOException {
        // given
        Path file = dir.resolve("data.jsonl");
        Files.writeString(file, "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n");

        // when / then
        assertThatThrownBy(() -> Dataset.read(file).column("label")).hasMessageContaining("Missing field 'label' in row 2 of data.jsonl");
    }

    @Test
    void should_reject_a_row_when_it_has_more_fields_than_the_header() throws IOException {
        // given
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "text,label\na,b,c\n");

        // when / then
        assertThatThrownBy(() -> Dataset.read(file)).isInstanceOf(IOException.class).hasMessageContaining("row 2 has 3 fields");
    }

    @Test
    void should_keep_each_label_share_when_sampling() {
        // given 60 rows of 'a', 30 of 'b', 10 of 'c'
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(Map.of("text", "t" + i, "label", i < 60 ? "a" : i < 90 ? "b" : "c"));
        }
        Dataset dataset = new Dataset("d", rows);

        // when
        Dataset sample = dataset.sample("label", 20, 42);

        // then 12, 6 and 2 rows, in file order, the same every time
        Map<String, Long> counts = sample.column("label").stream().collect(Collectors.groupingBy(l -> l, Collectors.counting()));
        assertThat(counts).containsEntry("a", 12L).containsEntry("b", 6L).containsEntry("c", 2L);
        assertThat(sample.rows()).isEqualTo(dataset.sample("label", 20, 42).rows());
        assertThat(sample.rows()).isNotEqualTo(dataset.sample("label", 20, 7).rows());
        List<Integer> order = sample.column("text").stream().map(t -> Integer.parseInt(t.substring(1))).toList();
        assertThat(order).isSorted();
    }

    @Test
    void should_pick_the_same_labels_when_the_seed_is_the_same() {
        // given
        List<String> labels = List.of("a", "b", "c", "d", "e", "f", "a", "b");

        // when / then
        assertThat(Dataset.pickLabels(labels, 3, 42)).hasSize(3).isSorted().isEqualTo(Dataset.pickLabels(labels, 3, 42));
    }
}
