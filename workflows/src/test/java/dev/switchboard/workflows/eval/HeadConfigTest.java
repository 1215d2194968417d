package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Problem;
import dev.switchboard.workflows.config.EngineConfigLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code head} option of a model in the engine configuration. */
class HeadConfigTest {

    @TempDir
    Path dir;

    @Test
    void should_resolve_the_head_against_the_configuration_folder_when_the_file_exists() throws Exception {
        // given the shipped head, named relative to the examples' folder
        Path examples = Path.of("examples").toAbsolutePath();

        // when
        EngineConfigLoader.Result result = EngineConfigLoader.standard().parse("switchboard.yaml", """
                models:
                  banking77:
                    provider: embedded
                    head: heads/banking77.head
                """, examples);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.config().models().get("banking77").head()).isEqualTo(examples.resolve("heads/banking77.head").toString());
    }

    @Test
    void should_say_how_to_train_one_when_the_head_file_is_missing() {
        // when
        EngineConfigLoader.Result result = EngineConfigLoader.standard().parse("switchboard.yaml", """
                models:
                  intents:
                    provider: embedded
                    head: heads/intents.head
                """, dir);

        // then
        assertThat(result.problems()).extracting(Problem::message).singleElement().asString()
                .startsWith("Missing head file at models.intents.head: got 'heads/intents.head'")
                .contains("switchboard train --dataset train.csv --out heads/intents.head");
    }

    @Test
    void should_refuse_a_head_when_the_model_is_a_chat_model() {
        // when
        EngineConfigLoader.Result result = EngineConfigLoader.standard().parse("switchboard.yaml", """
                models:
                  chat:
                    provider: openai
                    base_url: http://127.0.0.1:8000/v1
                    model: qwen
                    head: heads/banking77.head
                """, Path.of("examples").toAbsolutePath());

        // then
        assertThat(result.problems()).extracting(Problem::message).singleElement().asString()
                .startsWith("Head on a chat model at models.chat.head: got provider 'openai', expected embedded");
    }
}
