package dev.switchboard.connectors.sources.internal;

import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
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

    /**
     * The problems of a secret named by {@code <option>_env} or {@code <option>_file}: both given, or
     * (when required) neither, reported at {@code whole}; a variable that is not set or a file that
     * cannot be read, reported at that option as a missing secret. Problems name the option, never the value.
     *
     * @param option {@code secret} or {@code password}
     * @param noun   what the secret is, for the fix ("mailbox password")
     */
    public static List<OptionProblem> check(String option, String envName, String file, String whole, boolean required, String noun,
                                            SourceEnvironment environment) {
        String envOption = option + "_env";
        String fileOption = option + "_file";
        if (envName != null && file != null) {
            return List.of(OptionProblem.at(whole, "Two " + option + "s")
                    .fix(": got " + envOption + " and " + fileOption + ", expected one. Keep one"));
        }
        if (envName == null && file == null) {
            return required ? List.of(OptionProblem.at(whole, "Missing secret").expected(envOption + " (an environment variable) or "
                    + fileOption + " (a file) holding the " + noun)) : List.of();
        }
        if (read(envName, file, environment).isPresent()) {
            return List.of();
        }
        return List.of(envName != null
                ? OptionProblem.at(envOption, "Missing secret").fix(": environment variable '" + envName + "' is not set. Set it to the "
                        + noun).missingSecret()
                : OptionProblem.at(fileOption, "Missing secret").fix(": '" + file + "' does not exist, cannot be read or is empty")
                        .missingSecret());
    }
}
