package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PollSlicesTest {

    private final PollSlices slices = new PollSlices();

    @Test
    void should_cut_the_first_poll_into_doubling_slices_in_order_when_it_holds_a_backlog() {
        // given the demo's first poll: 250 tickets and 4 broken events
        List<Integer> poll = IntStream.range(0, 254).boxed().toList();

        // when
        List<List<Integer>> cut = slices.slice(poll);

        // then every event is run once, in poll order, the first ones in a small slice
        assertThat(cut).extracting(List::size).containsExactly(16, 32, 64, 128, 14);
        assertThat(cut.stream().flatMap(List::stream).toList()).isEqualTo(poll);
    }

    @Test
    void should_run_later_polls_whole_when_the_first_is_done() {
        // given
        slices.slice(List.of(1, 2, 3));
        List<Integer> next = IntStream.range(0, 256).boxed().toList();

        // when
        List<List<Integer>> cut = slices.slice(next);

        // then
        assertThat(cut).containsExactly(next);
    }

    @Test
    void should_not_count_an_empty_poll_as_the_first() {
        // given an empty poll before any event came
        assertThat(slices.slice(List.of())).isEmpty();

        // when
        List<List<Integer>> cut = slices.slice(IntStream.range(0, 40).boxed().toList());

        // then
        assertThat(cut).extracting(List::size).containsExactly(16, 24);
    }
}
