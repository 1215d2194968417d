package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.model.ScheduleTrigger;
import dev.switchboard.workflows.model.WindowTrigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every node and store of every topology is named in the house scheme, so no internal topic name depends on operator order. */
class TopologyNamesTest {

    static Stream<Arguments> topologies() {
        return Stream.of(
                Arguments.of("dedup", DedupTopology.build("in", "out", Duration.ofHours(1), "event.id", StreamsObserver.NONE)),
                Arguments.of("crm", CrmTopology.build(List.of("in"), StreamsObserver.NONE)),
                Arguments.of("invoices", InvoiceRegisterTopology.build(List.of("in"), "register", StreamsObserver.NONE)),
                Arguments.of("window", WindowTopology.build("w", "in", Set.of("t"), null,
                        new WindowTrigger("event.id", "tumbling", "PT1H", null, null, "PT0S", "count >= 2", null, "final"), "out", StreamsObserver.NONE)),
                Arguments.of("window", WindowTopology.build("w", "in", Set.of("t"), null,
                        new WindowTrigger("event.id", "session", null, null, "PT1H", "PT0S", "count >= 2", null, "early"), "out", StreamsObserver.NONE)),
                Arguments.of("digest", DigestTopology.build("d", new ScheduleTrigger(null, "P1D", "UTC", null),
                        new DigestTopology.Sources("a", "b", "c", "e"), "out", StreamsObserver.NONE)),
                Arguments.of("window", WindowTopology.build("w", "in", Set.of("t"), null,
                        new WindowTrigger("event.id", "tumbling", "PT1H", null, null, "PT0S", "count > baseline.mean", null, "early",
                                new WindowTrigger.Baseline("count", 24)), "out", StreamsObserver.NONE)),
                Arguments.of("digest", DigestTopology.build("d", new ScheduleTrigger(null, "P1D", "UTC", null, List.of("f", "g"), null),
                        new DigestTopology.Sources("a", "b", "c", "e", List.of("f", "g"), "open"), "out", StreamsObserver.NONE)),
                Arguments.of("reconcile", ReconcileTopology.build(new ReconcileTopology.Settings(List.of("in"), "out", "open",
                        java.math.BigDecimal.ONE, Duration.ofDays(3)), StreamsObserver.NONE)),
                Arguments.of("overdue", OverdueTopology.build("r", new ScheduleTrigger(null, "P1D", "UTC", null, null,
                        new ScheduleTrigger.Overdue(List.of(new ScheduleTrigger.Stage("friendly", "P7D")))), "open", "out", StreamsObserver.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topologies")
    void should_name_every_node_area_verb_when_topology_is_built(String area, Topology topology) {
        // given / when
        List<String> names = new ArrayList<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                names.add(node.name());
                if (node instanceof TopologyDescription.Processor processor) {
                    names.addAll(processor.stores());
                }
            }
        }

        // then
        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(name)
                .matches("^" + area + "\\.[a-z0-9.-]+$")
                .doesNotContain("KSTREAM-").doesNotContain("KTABLE-"));
    }
}
