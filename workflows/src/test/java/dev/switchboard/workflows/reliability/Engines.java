package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An engine in this JVM, from configuration and workflow texts, for scenarios that need no kill -9. */
final class Engines {

    private Engines() {
    }

    /**
     * @param secrets environment variables the engine sees (API keys, tokens), instead of the real environment
     * @param workflows workflow file name to its YAML, written into {@code dir}
     */
    static Engine start(Path dir, String configText, Map<String, String> secrets, Map<String, String> workflows) throws Exception {
        EngineConfigLoader.Result config = EngineConfigLoader.standard(name -> Optional.ofNullable(secrets.get(name)))
                .parse("switchboard.yaml", configText, dir);
        assertThat(config.problems()).as("configuration problems").isEmpty();
        Engine engine = Engine.builder(config.config()).secrets(name -> Optional.ofNullable(secrets.get(name))).build();
        List<Workflow> loaded = new ArrayList<>();
        for (Map.Entry<String, String> file : workflows.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
            WorkflowLoader.Result result = engine.loader().load(dir.resolve(file.getKey()));
            assertThat(result.problems()).as("problems of " + file.getKey()).isEmpty();
            loaded.add(result.workflow());
        }
        engine.start(loaded);
        return engine;
    }

    interface Check {
        boolean done() throws Exception;
    }

    /** Waits until {@code check} holds or {@code seconds} have passed; the caller asserts what it needs. */
    static boolean await(Check check, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (check.done()) {
                return true;
            }
            Thread.sleep(100);
        }
        return check.done();
    }
}
