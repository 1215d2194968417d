package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.workflows.explain.RecentRuns;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.ops.EngineView;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /console/workflow?name=...}: a workflow's file as loaded (read-only), its state, and its latest
 * runs from the step trace ({@link RecentRuns}), each linking to its lineage.
 */
public final class WorkflowPage implements ConsolePage {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowPage.class);
    private static final int SMALL = 64 * 1024;
    static final int RUNS = 20;

    private final EngineView engine;

    public WorkflowPage(EngineView engine) {
        this.engine = engine;
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console/workflow", SMALL, console.page(Role.VIEWER, (request, session) -> {
            String name = request.field("name");
            Workflow workflow = engine.definitions().stream().filter(w -> w.name().equals(name)).findFirst().orElse(null);
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("name", name == null ? "" : name);
            model.put("found", workflow != null);
            model.put("state", engine.workflows().stream().filter(w -> w.name().equals(name)).map(EngineView.WorkflowState::state)
                    .findFirst().orElse("unknown"));
            model.put("file", workflow == null || workflow.file() == null ? "" : workflow.file().toString());
            model.put("yaml", workflow == null || workflow.file() == null || !Files.isReadable(workflow.file()) ? ""
                    : Files.readString(workflow.file()));
            model.put("runs", List.of());
            model.put("runsMessage", "");
            if (workflow != null) {
                try {
                    model.put("runs", RecentRuns.read(engine.bootstrapServers(), engine.clientProperties(), engine.topics().trace(), name, RUNS,
                            Instant.now()));
                } catch (RuntimeException e) {
                    LOG.warn("Console: could not read the step trace {}: {}", engine.topics().trace(), e.toString());
                    model.put("runsMessage", "The step trace " + engine.topics().trace() + " could not be read (" + e.getMessage() + ")");
                }
            }
            return console.render(request, session, "workflow", null, model);
        }));
    }
}
