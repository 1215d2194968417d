package dev.switchboard.workflows.cli;

import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.nio.file.Path;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.Optional;
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
        StepEnvironment environment = new StepEnvironment() {
            @Override
            public Path baseDir() {
                return Path.of("");
            }

            @Override
            public Set<String> sinkNames() {
                return anySink;
            }

            @Override
            public <T> Optional<T> service(Class<T> type) {
                return Optional.empty();
            }
        };
        return new WorkflowLoader(StepTypes.installed(), folder -> environment);
    }
}
