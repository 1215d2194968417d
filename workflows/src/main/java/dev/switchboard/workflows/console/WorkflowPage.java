package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.ops.EngineView;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /console/workflow?name=...}: a workflow's file as loaded (read-only) and its state. */
public final class WorkflowPage implements ConsolePage {

    private static final int SMALL = 64 * 1024;

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
            return console.render(request, session, "workflow", null, model);
        }));
    }
}
