package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import dev.switchboard.workflows.ops.EngineView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /console}: each workflow's state, lag and counters; operators pause and resume. */
public final class OverviewPage implements ConsolePage {

    private static final Logger LOG = LoggerFactory.getLogger(OverviewPage.class);
    private static final int SMALL = 64 * 1024;

    /** One workflow's row. */
    public record Row(String name, String state, String topic, long lag, String spentToday, Map<String, Long> counters) {

        public boolean paused() {
            return state.equals("Paused");
        }
    }

    private final EngineView engine;
    private final ToLongFunction<String> lag;
    private final MeterRegistry registry;

    /**
     * @param lag      a consumer group's lag, as last measured
     * @param registry the engine's meters, for each workflow's spend today
     */
    public OverviewPage(EngineView engine, ToLongFunction<String> lag, MeterRegistry registry) {
        this.engine = engine;
        this.lag = lag;
        this.registry = registry;
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console", SMALL, console.page(Role.VIEWER, (request, session) ->
                console.render(request, session, "overview", "workflows", Map.of("workflows", rows(), "message", ""))));
        http.route("/console/workflows/pause", SMALL, console.change(Role.OPERATOR, (request, session) ->
                pauseOrResume(console, request, session, true)));
        http.route("/console/workflows/resume", SMALL, console.change(Role.OPERATOR, (request, session) ->
                pauseOrResume(console, request, session, false)));
    }

    private Response pauseOrResume(Console console, ConsoleRequest request, ConsoleSessions.Session session, boolean pause) {
        String name = request.field("name");
        String message;
        if (name == null || engine.workflows().stream().noneMatch(w -> w.name().equals(name))) {
            message = "Unknown workflow '" + name + "': choose one of the list";
        } else {
            if (pause) {
                engine.pause(name);
            } else {
                engine.resume(name);
            }
            LOG.info("Console: workflow {} {} by '{}'", name, pause ? "paused" : "resumed", session.user().name());
            message = (pause ? "Paused " : "Resumed ") + name;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("workflows", rows());
        model.put("message", message);
        return console.render(request, session, "overview", "workflows", model);
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (EngineView.WorkflowState workflow : engine.workflows()) {
            Gauge spent = registry.find("switchboard.budget.spent.usd").tag("workflow", workflow.name()).gauge();
            rows.add(new Row(workflow.name(), workflow.state(), workflow.topic(), lag.applyAsLong(workflow.consumerGroup()),
                    spent == null ? "" : String.format(java.util.Locale.ROOT, "$%.4f", spent.value()), workflow.counters()));
        }
        return rows;
    }
}
