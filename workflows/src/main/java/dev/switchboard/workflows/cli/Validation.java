package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.nio.file.Path;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Validation without an engine configuration: every sink name is accepted, models are not checked. */
final class Validation {

    private Validation() {
    }

    static WorkflowLoader lenientLoader() {
        Set<String> anySink = new AbstractSet<>() {
            @Override
            public boolean contains(Object o) {
                return true;
            }

            @Override
            public Iterator<String> iterator() {
                return Collections.emptyIterator();
            }

            @Override
            public int size() {
                return 0;
            }
        };
        FixedStepEnvironment environment = new FixedStepEnvironment(Path.of(""), anySink, List.of());
        return new WorkflowLoader(StepTypes.installed(), folder -> environment);
    }
}
