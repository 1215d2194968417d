package dev.switchboard.connectors.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.util.List;

/**
 * The API token of a CRM sink, declared once for all of them: named by an environment variable or a
 * mounted file, never written in the configuration, and read at each request so that a rotated token
 * takes effect at once. Each sink's description says which token it is and how it is sent.
 */
public record HttpCredentials(
        @Option(description = "Environment variable holding the API access token. Give this or `token_file`.", secret = true)
        @JsonProperty("token_env") String tokenEnv,
        @Option(description = "File holding the API access token (a mounted or refreshed secret), instead of `token_env`; "
                + "read at each request, so a rotated token needs no restart.", secret = true)
        @JsonProperty("token_file") String tokenFile) {

    /** One of the two options given, and the secret it names there. */
    public List<OptionProblem> check(SinkEnvironment environment) {
        return Secret.check("token", tokenEnv, tokenFile, true, environment.baseDir(), environment::secret);
    }

    /** The token of options that passed {@link #check}. */
    public Secret token(String sinkName, SinkEnvironment environment) {
        return Secret.of("token", tokenEnv, tokenFile, environment.baseDir(), environment::secret)
                .orElseThrow(() -> new IllegalStateException("Sink '" + sinkName + "' needs token_env or token_file"));
    }
}
