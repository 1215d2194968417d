package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import dev.switchboard.workflows.ops.EngineView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /console}: each workflow's state, lag, event rate, tasks and dead letters today, spend today and
 * counters; operators pause and resume.
 *
 * @param lag      a consumer group's lag, as last measured
 * @param registry the engine's meters, for each workflow's spend today
 * @param history  the engine's counters sampled over time (the engine samples them on a schedule; each view samples too)
 */
public record OverviewPage(EngineView engine, ToLongFunction<String> lag, MeterRegistry registry, CounterHistory history)
        implements ConsolePage {

    private static final Logger LOG = LoggerFactory.getLogger(OverviewPage.class);
    private static final int SMALL = 64 * 1024;

    /**
     * One workflow's row.
     *
     * @param eventRate events per minute over the last minutes, or {@code measuring} until the samples span enough time
     */
    public record Row(String name, String state, String topic, long lag, String spentToday, Map<String, Long> counters, String eventRate,
                      long tasksToday, long deadLettersToday) {

        public boolean paused() {
            return state.equals("Paused");
        }
    }


    /** Each workflow's counters now, by workflow, for {@link CounterHistory#sample}. */
    public static Map<String, Map<String, Long>> counters(EngineView engine) {
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        engine.workflows().forEach(workflow -> counters.put(workflow.name(), workflow.counters()));
        return counters;
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
        List<EngineView.WorkflowState> workflows = engine.workflows();
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        workflows.forEach(workflow -> counters.put(workflow.name(), workflow.counters()));
        history.sample(counters);
        List<Row> rows = new ArrayList<>();
        for (EngineView.WorkflowState workflow : workflows) {
            String name = workflow.name();
            Gauge spent = registry.find("switchboard.budget.spent.usd").tag("workflow", name).gauge();
            OptionalDouble rate = history.perMinute(name, "events");
            rows.add(new Row(name, workflow.state(), workflow.topic(), lag.applyAsLong(workflow.consumerGroup()),
                    spent == null ? "" : String.format(Locale.ROOT, "$%.4f", spent.value()), workflow.counters(),
                    rate.isPresent() ? String.format(Locale.ROOT, "%.1f/min", rate.getAsDouble()) : "measuring",
                    history.today(name, "tasks"), history.today(name, "dead_letters")));
        }
        return rows;
    }
}
