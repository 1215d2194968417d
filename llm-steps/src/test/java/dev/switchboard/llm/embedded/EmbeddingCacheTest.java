package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

    @TempDir
    Path dir;

    /** A stand-in encoder: a 3-d vector from the text's length, counting the texts it is asked for. */
    private final List<String> encoded = new ArrayList<>();
    private final Function<List<String>, float[][]> encoder = texts -> {
        encoded.addAll(texts);
        return texts.stream().map(text -> new float[] {text.length(), 1, 0}).toArray(float[][]::new);
    };

    @Test
    void should_embed_each_text_once_when_asked_again() {
        // given
        EmbeddingCache cache = new EmbeddingCache(dir, "model", 3);

        // when the same texts are asked twice, with a duplicate
        float[][] first = cache.embed(encoder, List.of("a", "bb", "a"), done -> { });
        float[][] second = cache.embed(encoder, List.of("bb", "a"), done -> { });

        // then the encoder saw each text once, and the answers are the same
        assertThat(encoded).containsExactly("a", "bb");
        assertThat(first[0]).isEqualTo(first[2]).isEqualTo(second[1]);
        assertThat(cache.misses()).isEqualTo(2);
        assertThat(cache.hits()).isEqualTo(3);
    }

    @Test
    void should_answer_from_disk_when_a_new_cache_opens_the_same_folder() {
        // given vectors written by one run
        new EmbeddingCache(dir, "all-MiniLM-L6-v2", 3).embed(encoder, List.of("card arrived?", "top up"), done -> { });
        encoded.clear();

        // when another run asks for them
        EmbeddingCache next = new EmbeddingCache(dir, "all-MiniLM-L6-v2", 3);
        float[][] vectors = next.embed(encoder, List.of("top up", "card arrived?"), done -> { });

        // then nothing is embedded again
        assertThat(encoded).isEmpty();
        assertThat(vectors[0]).containsExactly(6, 1, 0);
        assertThat(Files.exists(dir.resolve("all-MiniLM-L6-v2.vectors"))).isTrue();
    }

    @Test
    void should_ignore_a_torn_last_record_when_a_run_died_while_writing() throws IOException {
        // given a file whose last record was cut short
        new EmbeddingCache(dir, "model", 3).embed(encoder, List.of("kept"), done -> { });
        Files.write(dir.resolve("model.vectors"), new byte[] {1, 2, 3, 4, 5}, StandardOpenOption.APPEND);
        encoded.clear();

        // when
        float[][] vectors = new EmbeddingCache(dir, "model", 3).embed(encoder, List.of("kept"), done -> { });

        // then the whole record still answers
        assertThat(encoded).isEmpty();
        assertThat(vectors[0]).containsExactly(4, 1, 0);
    }

    @Test
    void should_report_progress_when_embedding() {
        // given
        List<Integer> told = new ArrayList<>();

        // when
        new EmbeddingCache(null, "model", 3).embed(encoder, List.of("x", "y", "z"), told::add);

        // then it starts at 0 and ends with every text
        assertThat(told).startsWith(0).endsWith(3);
    }
}
