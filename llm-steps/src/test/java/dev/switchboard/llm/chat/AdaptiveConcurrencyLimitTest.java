package dev.switchboard.llm.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.llm.chat.AdaptiveConcurrencyLimit.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdaptiveConcurrencyLimitTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);

    private AdaptiveConcurrencyLimit limit(int initial, int max) {
        return new AdaptiveConcurrencyLimit(initial, max, 2.0, now::get);
    }

    /** Starts {@code n} calls at the current time. */
    private static List<Long> start(AdaptiveConcurrencyLimit limit, int n) throws InterruptedException {
        List<Long> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long at = limit.acquire(Duration.ZERO);
            assertThat(at).as("slot %d of %d", i + 1, n).isNotNegative();
            started.add(at);
        }
        return started;
    }

    @Test
    void should_grow_by_one_per_healthy_call_with_half_the_limit_in_use_until_the_first_cut() throws InterruptedException {
        // given a limit of 10 with 8 calls in flight
        AdaptiveConcurrencyLimit limit = limit(10, 100);
        List<Long> started = start(limit, 8);

        // when they all succeed in 100 ms
        now.addAndGet(100 * MS);
        for (long at : started) {
            limit.release(at, Outcome.SUCCESS);
        }

        // then the first three grew it (8, 7, 6 in use of 10, 11, 12: at least half), the others did not (5 of 13 and fewer)
        assertThat(limit.limit()).isEqualTo(13);
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void should_grow_by_one_after_a_window_of_healthy_calls_with_half_the_limit_in_use_after_a_cut() throws InterruptedException {
        // given a limit cut from 5 to 4 by a 429, then all 4 in use, calls started 25 ms apart
        AdaptiveConcurrencyLimit limit = limit(5, 100);
        long overloaded = limit.acquire(Duration.ZERO);
        now.addAndGet(100 * MS);
        limit.release(overloaded, Outcome.OVERLOAD);
        assertThat(limit.limit()).isEqualTo(4);
        List<Long> started = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            started.add(limit.acquire(Duration.ZERO));
            now.addAndGet(25 * MS);
        }

        // when each succeeds after 100 ms and is replaced by a new call
        for (int i = 0; i < 3; i++) {
            limit.release(started.remove(0), Outcome.SUCCESS);
            started.add(limit.acquire(Duration.ZERO));
            now.addAndGet(25 * MS);
        }
        // then three (fewer than the limit) leave it as it is, the fourth grows it by one
        assertThat(limit.limit()).isEqualTo(4);
        limit.release(started.remove(0), Outcome.SUCCESS);
        assertThat(limit.limit()).isEqualTo(5);
        assertThat(limit.inFlight()).isEqualTo(3);
    }

    @Test
    void should_not_grow_when_little_of_the_limit_is_in_use() throws InterruptedException {
        AdaptiveConcurrencyLimit limit = limit(10, 100);
        for (int i = 0; i < 20; i++) {
            long at = limit.acquire(Duration.ZERO);
            now.addAndGet(100 * MS);
            limit.release(at, Outcome.SUCCESS);
        }

        assertThat(limit.limit()).isEqualTo(10);
    }

    @Test
    void should_not_grow_beyond_its_maximum() throws InterruptedException {
        AdaptiveConcurrencyLimit limit = limit(2, 3);
        for (int i = 0; i < 20; i++) {
            List<Long> started = start(limit, limit.limit());
            now.addAndGet(100 * MS);
            for (long at : started) {
                limit.release(at, Outcome.SUCCESS);
            }
        }

        assertThat(limit.limit()).isEqualTo(3);
    }

    @Test
    void should_cut_to_ninety_percent_once_per_window_on_a_burst_of_429s() throws InterruptedException {
        // given a limit of 20 with 10 calls in flight
        AdaptiveConcurrencyLimit limit = limit(20, 100);
        List<Long> started = start(limit, 10);

        // when all ten come back overloaded (429, 503, timeout)
        now.addAndGet(50 * MS);
        for (long at : started) {
            limit.release(at, Outcome.OVERLOAD);
        }

        // then one cut (20 → 18): the others started before it
        assertThat(limit.limit()).isEqualTo(18);

        // and a call started after the cut that is overloaded cuts again (18 → 16)
        long later = limit.acquire(Duration.ZERO);
        now.addAndGet(50 * MS);
        limit.release(later, Outcome.OVERLOAD);
        assertThat(limit.limit()).isEqualTo(16);
    }

    @Test
    void should_cut_when_a_call_takes_more_than_twice_the_fastest() throws InterruptedException {
        // given the fastest call so far took 100 ms
        AdaptiveConcurrencyLimit limit = limit(10, 100);
        long first = limit.acquire(Duration.ZERO);
        now.addAndGet(100 * MS);
        limit.release(first, Outcome.SUCCESS);

        // when a call takes 200 ms (twice, within the tolerance) and then one takes 201 ms
        long second = limit.acquire(Duration.ZERO);
        now.addAndGet(200 * MS);
        limit.release(second, Outcome.SUCCESS);
        assertThat(limit.limit()).isEqualTo(10);
        long third = limit.acquire(Duration.ZERO);
        now.addAndGet(201 * MS);
        limit.release(third, Outcome.SUCCESS);

        // then only the slow one cut it
        assertThat(limit.limit()).isEqualTo(9);
    }

    @Test
    void should_never_cut_below_one_and_leave_it_alone_on_failures_that_say_nothing_about_capacity() throws InterruptedException {
        AdaptiveConcurrencyLimit limit = limit(1, 10);
        for (int i = 0; i < 3; i++) {
            long at = limit.acquire(Duration.ZERO);
            now.addAndGet(10 * MS);
            limit.release(at, Outcome.OVERLOAD);
        }
        assertThat(limit.limit()).isEqualTo(1);

        AdaptiveConcurrencyLimit other = limit(6, 10);
        long at = other.acquire(Duration.ZERO);
        now.addAndGet(10 * MS);
        other.release(at, Outcome.IGNORED);
        assertThat(other.limit()).isEqualTo(6);
    }

    @Test
    void should_refuse_a_slot_beyond_the_limit_until_one_is_released() throws InterruptedException {
        AdaptiveConcurrencyLimit limit = limit(2, 10);
        List<Long> started = start(limit, 2);

        assertThat(limit.acquire(Duration.ofMillis(1))).isEqualTo(-1);

        limit.release(started.get(0), Outcome.IGNORED);
        assertThat(limit.acquire(Duration.ZERO)).isNotNegative();
    }

    @Test
    void should_map_429_503_and_timeouts_to_overload_and_other_failures_to_nothing() {
        assertThat(AdaptiveConcurrencyLimit.outcomeOf(ChatAnswer.of("{}", false, 1, 1, 5, "m"))).isEqualTo(Outcome.SUCCESS);
        assertThat(AdaptiveConcurrencyLimit.outcomeOf(failed(ChatAnswer.Kind.HTTP, 429))).isEqualTo(Outcome.OVERLOAD);
        assertThat(AdaptiveConcurrencyLimit.outcomeOf(failed(ChatAnswer.Kind.HTTP, 503))).isEqualTo(Outcome.OVERLOAD);
        assertThat(AdaptiveConcurrencyLimit.outcomeOf(failed(ChatAnswer.Kind.TIMEOUT, 0))).isEqualTo(Outcome.OVERLOAD);
        assertThat(AdaptiveConcurrencyLimit.outcomeOf(failed(ChatAnswer.Kind.HTTP, 500))).isEqualTo(Outcome.IGNORED);
        assertThat(AdaptiveConcurrencyLimit.outcomeOf(failed(ChatAnswer.Kind.HTTP, 401))).isEqualTo(Outcome.IGNORED);
        assertThat(AdaptiveConcurrencyLimit.outcomeOf(failed(ChatAnswer.Kind.CONNECTION, 0))).isEqualTo(Outcome.IGNORED);
    }

    @Test
    void should_refuse_an_initial_limit_above_the_maximum() {
        assertThatThrownBy(() -> limit(11, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got initial 11, max 10");
    }

    private static ChatAnswer failed(ChatAnswer.Kind kind, int status) {
        return ChatAnswer.failed(new ChatAnswer.Failure(kind, status, "x", true, null), 1, "m");
    }
}
