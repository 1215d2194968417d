package dev.switchboard.connectors.secrets;

import dev.switchboard.schemas.options.OptionProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A secret that configuration names, never holds: an environment variable ({@code <option>_env}) or
 * a mounted file ({@code <option>_file}, relative to the configuration's folder). A file is read at
 * each use, so a rotated Kubernetes secret takes effect without a restart. The value is never
 * logged and never put in a message; {@link #describe()} names where it comes from instead.
 */
public final class Secret {

    private final String option;
    private final String environmentVariable;
    private final Path file;
    private final Function<String, Optional<String>> environment;

    private Secret(String option, String environmentVariable, Path file, Function<String, Optional<String>> environment) {
        this.option = option;
        this.environmentVariable = environmentVariable;
        this.file = file;
        this.environment = environment;
    }

    /**
     * The secret an options record names with {@code <option>_env} or {@code <option>_file}, or
     * empty when it names neither.
     *
     * @param environment looks up environment variables ({@code SinkEnvironment::secret})
     */
    public static Optional<Secret> of(String option, String environmentVariable, String file, Path baseDir,
                                      Function<String, Optional<String>> environment) {
        if (environmentVariable != null) {
            return Optional.of(new Secret(option, environmentVariable, null, environment));
        }
        if (file != null) {
            return Optional.of(new Secret(option, null, baseDir.resolve(file).normalize(), environment));
        }
        return Optional.empty();
    }

    /**
     * Every problem with how a secret is named: both or (when required) neither of the two options,
     * an unset variable, an unreadable file (a missing secret: an error where the engine would use it,
     * a warning where nothing is sent). Problems name the option, never the value.
     */
    public static List<OptionProblem> check(String option, String environmentVariable, String file, boolean required, Path baseDir,
                                            Function<String, Optional<String>> environment) {
        String env = option + "_env";
        String fileOption = option + "_file";
        if (environmentVariable != null && file != null) {
            return List.of(OptionProblem.at(env, "Conflicting options")
                    .fix(": got both " + env + " and " + fileOption + ", expected one. Keep the one your deployment provides"));
        }
        if (environmentVariable == null && file == null) {
            return required
                    ? List.of(OptionProblem.at(env, "Missing secret").expected(env + " (an environment variable) or " + fileOption
                            + " (a mounted file) naming where the " + option.replace('_', ' ') + " is"))
                    : List.of();
        }
        Secret secret = of(option, environmentVariable, file, baseDir, environment).orElseThrow();
        if (secret.value().isPresent()) {
            return List.of();
        }
        return List.of(environmentVariable != null
                ? OptionProblem.at(env, "Missing secret").fix(": environment variable '" + environmentVariable + "' is not set. Set it"
                        + (required ? "" : ", or remove " + env)).missingSecret()
                : OptionProblem.at(fileOption, "Missing secret").fix(": cannot read '" + secret.file
                        + "'. Mount the secret file there (one value; surrounding whitespace is ignored)").missingSecret());
    }

    /** The value, read now; empty when the variable is unset or the file cannot be read or is blank. */
    public Optional<String> value() {
        if (environmentVariable != null) {
            return environment.apply(environmentVariable).map(String::strip).filter(value -> !value.isEmpty());
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Where the secret comes from, for messages: "environment variable 'X' (token_env)". */
    public String describe() {
        return environmentVariable != null
                ? "environment variable '" + environmentVariable + "' (" + option + "_env)"
                : "file '" + file + "' (" + option + "_file)";
    }
}
