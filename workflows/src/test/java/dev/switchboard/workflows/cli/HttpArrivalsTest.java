package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpArrivalsTest {

    private final Deque<Long> ticks = new ArrayDeque<>(List.of(100L, 250L, 400L, 900L));
    private final HttpArrivals arrivals = new HttpArrivals(ticks::removeFirst);

    @Test
    void should_count_each_id_once_and_name_the_missing_ones_when_deliveries_repeat() {
        // given three ids sent, one delivered twice, one never, and a body without an id
        arrivals.arrived("{\"id\": \"a\", \"title\": \"x\"}");
        arrivals.arrived("{\"id\":\"b\"}");
        arrivals.arrived("{\"id\":\"a\"}");
        arrivals.arrived("{\"title\":\"no id\"}");

        // then each arrived id counts once, the repeat and the unreadable body apart
        List<String> sent = List.of("a", "b", "c");
        assertThat(arrivals.arrivedOf(sent)).isEqualTo(2);
        assertThat(arrivals.missing(sent)).containsExactly("c");
        assertThat(arrivals.repeats()).isEqualTo(1);
        assertThat(arrivals.unreadable()).isEqualTo(1);
        // and the last arrival is the first one of b, not the repeat of a
        assertThat(arrivals.lastArrival(sent)).isEqualTo(250L);
    }

    @Test
    void should_measure_latency_from_each_start_to_the_first_arrival_when_ids_arrived() {
        // given a at 100, b at 250, a again at 400
        arrivals.arrived("{\"id\":\"a\"}");
        arrivals.arrived("{\"id\":\"b\"}");
        arrivals.arrived("{\"id\":\"a\"}");
        Map<String, Long> starts = new LinkedHashMap<>();
        starts.put("a", 40L);
        starts.put("b", 200L);
        starts.put("lost", 10L);

        // then latency runs to the first arrival, and the lost id has none
        assertThat(arrivals.latencies(starts)).containsExactlyInAnyOrder(60L, 50L);
    }
}
