package dev.switchboard.llm.spi;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.chat.ChatEndpoint;
import dev.switchboard.schemas.options.OptionProblem;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A kind of chat model endpoint, chosen by {@code provider:} in a model definition. Registered with
 * {@link java.util.ServiceLoader} under {@code META-INF/services/dev.switchboard.llm.spi.ChatProvider}, as
 * steps are. The registry puts every endpoint behind the model's limits and resilience policy.
 */
public interface ChatProvider {

    /** What {@code provider:} names, e.g. {@code openai}. */
    String name();

    /** What a definition of this provider lacks, relative to the definition ({@code base_url}, say). */
    default List<OptionProblem> check(ModelDefinition definition) {
        return List.of();
    }

    /**
     * The endpoint of one model.
     *
     * @param model   the model's name under {@code models:}
     * @param secrets looks an API key up by the name of the variable that holds it
     */
    ChatEndpoint endpoint(String model, ModelDefinition definition, Function<String, Optional<String>> secrets);
}
