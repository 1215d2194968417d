package dev.switchboard.connectors.sources.internal;

import dev.switchboard.schemas.spi.SourceEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

/** A secret given as an environment variable's name or as a file (relative to the configuration file), never inline. */
public final class SecretValue {

    private SecretValue() {
    }

    /** The secret, or empty when the variable is not set, the file cannot be read, or either is empty. */
    public static Optional<String> read(String envName, String file, SourceEnvironment environment) {
        if (envName != null) {
            return environment.secret(envName).filter(value -> !value.isEmpty());
        }
        if (file != null) {
            try {
                String value = Files.readString(environment.baseDir().resolve(file), StandardCharsets.UTF_8).strip();
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
