package dev.switchboard.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.llm.embedded.EmbeddedClassifier;
import dev.switchboard.llm.embedded.EncoderModel;
import dev.switchboard.llm.embedded.HeadClassifier;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.llm.openai.ModelPreset;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionField;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Providers come from the class path by the name {@code provider:} gives them; the registry asks them for its models. */
class ModelProvidersTest {

    private static Option option(String key) {
        return OptionField.of(ModelDefinition.class).stream().filter(field -> field.key().equals(key)).findFirst().orElseThrow().option();
    }

    @Test
    void should_allow_in_the_schema_exactly_the_providers_installed() {
        try (ModelProviders providers = ModelProviders.load()) {
            assertThat(providers.names()).containsExactlyInAnyOrder(option("provider").allowed()).containsExactly("embedded", "openai");
            assertThat(providers.chat("openai")).isPresent();
            assertThat(providers.embedding("embedded")).isPresent();
            assertThat(providers.chat("embedded")).isEmpty();
        }
    }

    @Test
    void should_allow_in_the_schema_exactly_the_presets_of_the_openai_provider() {
        assertThat(option("preset").allowed()).containsExactly(ModelPreset.NAMES);
        assertThat(Arrays.stream(ModelPreset.values()).map(ModelPreset::key)).containsExactly(ModelPreset.NAMES);
    }

    @Test
    void should_fill_in_what_a_preset_gives_when_the_model_leaves_it_out() {
        ModelDefinition deepseek = ModelDefinition.builder().preset("deepseek").model("deepseek-chat").build();

        assertThat(ModelPreset.baseUrlOf(deepseek)).isEqualTo("https://api.deepseek.com/v1");
        assertThat(ModelPreset.apiKeyEnvOf(deepseek)).isEqualTo("DEEPSEEK_API_KEY");
        assertThat(ModelPreset.jsonSchemaOf(deepseek)).isFalse();
        assertThat(ModelPreset.baseUrlOf(ModelDefinition.builder().preset("deepseek").baseUrl("http://proxy/v1").build())).isEqualTo("http://proxy/v1");
    }

    @Test
    void should_report_what_an_openai_model_lacks_when_checked() {
        try (ModelProviders providers = ModelProviders.load()) {
            assertThat(providers.check(ModelDefinition.builder().model("m").build())).singleElement().asString()
                    .startsWith("Missing base_url or model: an openai provider needs both");
            assertThat(providers.check(ModelDefinition.builder().preset("ollama").model("qwen2.5").build())).isEmpty();
            assertThat(providers.check(ModelDefinition.embedded())).isEmpty();
        }
    }

    @Test
    void should_ask_each_model_of_the_provider_its_definition_names() {
        try (ModelRegistry models = new ModelRegistry(Map.of("fast", ModelDefinition.builder().baseUrl("http://127.0.0.1:9/v1").model("m").build()),
                Map.of("chain", List.of("fast", "embedded")))) {
            assertThat(models.chats("fast")).isTrue();
            assertThat(models.chats("embedded")).isFalse();
            assertThat(models.endpoint("fast").name()).isEqualTo("fast");
            assertThat(models.classifier("embedded")).isInstanceOf(EmbeddedClassifier.class);
            assertThatThrownBy(() -> models.endpoint("embedded")).hasMessageContaining("has no chat endpoint");
            assertThatThrownBy(() -> models.classifier("fast")).hasMessageContaining("is a chat model");
        }
    }

    @Test
    void should_refuse_a_model_whose_provider_is_not_installed() {
        ModelDefinition unknown = new ModelDefinition("bedrock", null, null, "m", null, 30, 256, 0.0, 0.0, 0.0, 0.0, 8, "fixed",
                null, null, 2, 10, 5, 30, null, "all-minilm-l6-v2-q");

        assertThatThrownBy(() -> new ModelRegistry(Map.of("aws", unknown)))
                .hasMessageContaining("Model 'aws' names unknown provider 'bedrock'; installed: [embedded, openai]");
    }

    @Test
    void should_allow_in_the_schema_only_encoders_that_load_when_a_model_names_one() {
        assertThat(option("encoder").allowed()).allSatisfy(value -> assertThat(EncoderModel.parse(value)).as(value).isPresent());
        assertThat(option("encoder").allowed()).containsAll(EncoderModel.ids());
        assertThat(option("encoder").defaultValue()).isEqualTo(EncoderModel.DEFAULT_ID);
        assertThat(ModelDefinition.embedded().encoder()).isEqualTo("all-minilm-l6-v2-q");
    }

    @Test
    void should_refuse_a_head_trained_on_another_encoder_when_the_model_names_its_encoder(@TempDir Path dir) throws Exception {
        // given a head trained on the float all-MiniLM-L6-v2, on a model left at the default (quantized) encoder
        Path file = dir.resolve("intents.head");
        TrainedHead head = new TrainedHead("all-minilm-l6-v2", List.of("a", "b"), 384, 0, 10, 1, new float[0], new float[0],
                new float[2 * 384], new float[2], Map.of());
        head.write(file);
        Map<String, ModelDefinition> definitions = Map.of(
                "intents", ModelDefinition.builder().provider("embedded").head(file.toString()).build(),
                "matching", ModelDefinition.builder().provider("embedded").encoder("all-minilm-l6-v2").head(file.toString()).build());

        try (ModelRegistry models = new ModelRegistry(definitions)) {
            // then the mismatch is refused with what to set, and the matching model answers
            assertThatThrownBy(() -> models.classifier("intents"))
                    .hasMessageContaining("trained on all-minilm-l6-v2 embeddings")
                    .hasMessageContaining("the model's encoder is all-minilm-l6-v2-q")
                    .hasMessageContaining("Set `encoder: all-minilm-l6-v2`");
            assertThat(models.classifier("matching")).isInstanceOf(HeadClassifier.class);
        }
    }
}
