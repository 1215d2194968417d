package dev.switchboard.schemas.spi;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** What the engine offers steps when they are created: the workflow's folder, the sinks and shared services. */
public interface StepEnvironment {

    /** The folder of the workflow file; relative paths in options resolve against it. */
    Path baseDir();

    /** Names of the sinks configured in the engine. */
    Set<String> sinkNames();

    /** A shared service of the engine (the model registry, for instance), if it has one of that type. */
    <T> Optional<T> service(Class<T> type);
}
