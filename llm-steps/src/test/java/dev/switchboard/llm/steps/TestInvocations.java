package dev.switchboard.llm.steps;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepInvocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Invocations whose every template renders to one text, and an environment that offers a registry. */
final class TestInvocations {

    private TestInvocations() {
    }

    static StepInvocation of(String workflow, String eventId, String text) {
        return new StepInvocation() {
            @Override
            public String workflow() {
                return workflow;
            }

            @Override
            public String stepId() {
                return "step";
            }

            @Override
            public String eventId() {
                return eventId;
            }

            @Override
            public String eventType() {
                return "ticket.created";
            }

            @Override
            public Map<String, Object> event() {
                return Map.of("id", eventId, "type", "ticket.created", "data", Map.of("body", text));
            }

            @Override
            public String render(String template) {
                return text;
            }

            @Override
            public List<ModelCall> calls() {
                return List.of();
            }

            @Override
            public Object read(String path) {
                return null;
            }
        };
    }

    static StepEnvironment environment(ModelRegistry models, Path baseDir) {
        return new StepEnvironment() {
            @Override
            public Path baseDir() {
                return baseDir;
            }

            @Override
            public Set<String> sinkNames() {
                return Set.of("queue");
            }

            @Override
            public <T> Optional<T> service(Class<T> type) {
                return type.isInstance(models) ? Optional.of(type.cast(models)) : Optional.empty();
            }
        };
    }
}
