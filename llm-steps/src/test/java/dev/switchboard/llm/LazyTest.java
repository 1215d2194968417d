package dev.switchboard.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LazyTest {

    @Test
    void should_make_the_value_once_when_many_threads_ask_at_once() throws Exception {
        // given
        AtomicInteger made = new AtomicInteger();
        Lazy<Object> lazy = new Lazy<>(() -> {
            made.incrementAndGet();
            return new Object();
        });
        CountDownLatch start = new CountDownLatch(1);

        // when
        List<CompletableFuture<Object>> asked = IntStream.range(0, 16).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            try {
                start.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return lazy.get();
        })).toList();
        start.countDown();

        // then
        assertThat(asked.stream().map(CompletableFuture::join).distinct()).hasSize(1);
        assertThat(made).hasValue(1);
    }

    @Test
    void should_offer_nothing_to_close_when_the_value_was_never_made() {
        Lazy<String> lazy = new Lazy<>(() -> "model");

        assertThat(lazy.ifMade()).isEmpty();
        lazy.get();
        assertThat(lazy.ifMade()).contains("model");
    }
}
