package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.llm.embedded.TunedWeights;
import dev.switchboard.llm.embedded.TunedWeightsTest;
import dev.switchboard.workflows.cli.SwitchboardCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard train} and {@code switchboard eval} end to end, on the in-process model, with their exit codes. */
class EvalCommandTest {

    @TempDir
    static Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SwitchboardCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void files() throws IOException {
        Files.writeString(dir.resolve("zero-shot.yaml"), """
                name: topics
                on:
                  types: [message.received]
                steps:
                  - id: topic
                    classify:
                      input: "{{ event.data.text }}"
                      labels:
                        weather: Weather, rain, sunshine, temperature and the forecast
                        food: Food, cooking, recipes, restaurants and meals
                """);
        Files.writeString(dir.resolve("right.csv"), """
                text,label
                Will it rain tomorrow morning?,weather
                The forecast says sunshine and 30 degrees,weather
                How long do I bake bread in the oven?,food
                "The best pizza restaurant in town, with pasta too",food
                """);
        Files.writeString(dir.resolve("swapped.csv"), """
                text,label
                Will it rain tomorrow morning?,food
                The forecast says sunshine and 30 degrees,food
                How long do I bake bread in the oven?,weather
                "The best pizza restaurant in town, with pasta too",weather
                """);
        List<String> rows = new ArrayList<>(List.of("text,intent"));
        for (String text : List.of("where is my card", "my card has not arrived", "card delivery is late", "when will the card come",
                "has my new card been sent", "I am still waiting for my card")) {
            rows.add(text + ",card_arrival");
        }
        for (String text : List.of("I lost my card", "my card was stolen", "someone took my wallet and card", "block my stolen card",
                "I can not find my card, freeze it", "my card is missing, I think it was stolen")) {
            rows.add("\"" + text + "\",lost_card");
        }
        for (String text : List.of("what is your exchange rate", "how much are euros in dollars", "is the currency rate fair",
                "why was the conversion rate bad", "exchange rate for pounds", "rate to convert yen")) {
            rows.add(text + ",exchange_rate");
        }
        Files.write(dir.resolve("intents.csv"), rows);
        Files.writeString(dir.resolve("switchboard.yaml"), """
                models:
                  intents:
                    provider: embedded
                    head: heads/intents.head
                """);
        Files.writeString(dir.resolve("headed.yaml"), """
                name: intents
                on:
                  types: [message.received]
                steps:
                  - id: intent
                    classify:
                      input: "{{ event.data.text }}"
                      model: intents
                      injection: "off"
                """);
        // the configuration beside the workflows names this head, so it must exist before any of them loads
        Run train = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent",
                "--out", dir.resolve("heads/intents.head").toString(), "--hidden", "0", "--epochs", "60", "--learning-rate", "0.01",
                "--calibration-share", "0", "--no-cache");
        assertThat(train.exit()).as(train.err()).isZero();
    }

    @Test
    void should_exit_zero_and_write_reports_when_the_model_meets_the_bar() throws IOException {
        // when
        Run run = cli("eval", dir.resolve("zero-shot.yaml").toString(), "--dataset", dir.resolve("right.csv").toString(),
                "--out", dir.resolve("right").toString(), "--min-accuracy", "0.75", "--min-macro-f1", "0.7");

        // then
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("embedded").contains("100.00%").contains("PASS");
        assertThat(run.err()).contains("embedded").contains("4/4");
        assertThat(dir.resolve("right/report.html")).exists();
        assertThat(Files.readString(dir.resolve("right/report.md"))).contains("| embedded | 4 | 100.00% | 100.00% |");
    }

    @Test
    void should_report_each_model_of_an_alias_chain_when_rows_fall_through() throws IOException {
        // given an alias that asks the trained head first and the zero-shot model for what the head is unsure of
        Files.writeString(dir.resolve("switchboard.yaml"), """
                models:
                  intents:
                    provider: embedded
                    head: heads/intents.head
                aliases:
                  careful: [intents, embedded]
                """);
        Files.writeString(dir.resolve("careful.yaml"), """
                name: careful
                on:
                  types: [message.received]
                steps:
                  - id: intent
                    classify:
                      input: "{{ event.data.text }}"
                      model: careful
                      min_confidence: 0.999
                      injection: "off"
                """);

        // when
        Run run = cli("eval", dir.resolve("careful.yaml").toString(), "--dataset", dir.resolve("intents.csv").toString(),
                "--label-column", "intent", "--out", dir.resolve("chain").toString());

        // then every row was asked of the head, and what it did not answer went on to the zero-shot model
        assertThat(run.exit()).as(run.err()).isZero();
        String markdown = Files.readString(dir.resolve("chain/report.md"));
        assertThat(markdown).contains("### Alias chain, per model");
        assertThat(Files.readString(dir.resolve("chain/report.html"))).contains("<h3>Alias chain, per model</h3>");
        JsonNode chain = new ObjectMapper().readTree(dir.resolve("chain/report.json").toFile()).path("models").get(0).path("chain");
        assertThat(chain).hasSize(2);
        JsonNode head = chain.get(0);
        assertThat(head.path("asked").asInt()).isEqualTo(18);
        assertThat(head.path("fall_through_rate").asDouble()).isEqualTo((18 - head.path("answered").asInt()) / 18.0);
        assertThat(chain.get(1).path("asked").asInt()).isEqualTo(18 - head.path("answered").asInt()).isPositive();
    }

    @Test
    void should_show_skipped_rows_and_score_only_the_others_when_the_filter_tests_the_event_source() throws IOException {
        // given a workflow for one source, and rows that name their event's source, subject and type
        Path workflow = dir.resolve("portal-only.yaml");
        Files.writeString(workflow, """
                name: portal
                on:
                  types: [message.received, chat.received]
                  filter: event.source == '/crm/portal' && has(event.subject)
                steps:
                  - id: topic
                    classify:
                      input: "{{ event.data.text }}"
                      labels:
                        weather: Weather, rain, sunshine, temperature and the forecast
                        food: Food, cooking, recipes, restaurants and meals
                """);
        Path dataset = dir.resolve("sourced.csv");
        Files.writeString(dataset, """
                text,label,origin,ticket,kind
                Will it rain tomorrow morning?,weather,/crm/portal,T-1,chat.received
                How long do I bake bread in the oven?,food,/crm/portal,T-2,message.received
                The forecast says sunshine and 30 degrees,food,/mail,T-3,message.received
                "The best pizza restaurant in town, with pasta too",weather,/crm/portal,T-4,order.placed
                """);

        // when
        Run run = cli("eval", workflow.toString(), "--dataset", dataset.toString(), "--source-column", "origin", "--subject-column", "ticket",
                "--type-column", "kind", "--out", dir.resolve("sourced").toString(), "--min-accuracy", "0.99");

        // then the two rows the filter or the type left out are shown and not scored: the two scored are right
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("100.00%").contains("skipped").contains("PASS")
                .contains("embedded: 2 of 4 rows skipped, not scored: on.filter is false (1); type 'order.placed' is not in on.types (1)");
        JsonNode report = new ObjectMapper().readTree(dir.resolve("sourced/report.json").toFile());
        assertThat(report.at("/models/0/skipped").asInt()).isEqualTo(2);
        assertThat(report.at("/models/0/in_scope").asInt()).isEqualTo(2);
    }

    @Test
    void should_exit_two_with_the_reason_when_the_filter_skips_every_row() throws IOException {
        // given a filter on the event's source, and rows that do not set it
        Path workflow = dir.resolve("portal-filter.yaml");
        Files.writeString(workflow, Files.readString(dir.resolve("zero-shot.yaml"))
                .replace("  types: [message.received]\n", "  types: [message.received]\n  filter: event.source == '/crm/portal'\n"));

        // when
        Run run = cli("eval", workflow.toString(), "--dataset", dir.resolve("right.csv").toString(), "--out", dir.resolve("all-skipped").toString());

        // then nothing was scored, and the line says why and how to set the source
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Every row was skipped").contains("on.filter is false (4)").contains("--source");
        assertThat(run.out()).doesNotContain("0.00%");
    }

    @Test
    void should_warn_of_a_missing_secret_and_evaluate_when_the_configuration_names_one() throws IOException {
        // given a configuration beside the workflow whose webhook source's secret is not in the environment
        Path folder = Files.createDirectories(dir.resolve("unset-secret"));
        Files.writeString(folder.resolve("switchboard.yaml"), """
                sources:
                  tickets:
                    zendesk:
                      auth: {secret_env: SWITCHBOARD_TEST_SECRET_THAT_IS_NOT_SET}
                """);
        Files.copy(dir.resolve("zero-shot.yaml"), folder.resolve("zero-shot.yaml"));

        // when
        Run run = cli("eval", folder.resolve("zero-shot.yaml").toString(), "--dataset", dir.resolve("right.csv").toString(),
                "--out", folder.resolve("report").toString());

        // then eval sends nothing, so the secret is a warning and the evaluation runs
        assertThat(run.err()).contains("warning: Missing secret at sources.tickets.zendesk.auth.secret_env");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("100.00%");
    }

    @Test
    void should_exit_one_when_accuracy_is_below_the_bar() {
        // when the dataset's labels are all wrong
        Run run = cli("eval", dir.resolve("zero-shot.yaml").toString(), "--dataset", dir.resolve("swapped.csv").toString(),
                "--out", dir.resolve("swapped").toString(), "--min-accuracy", "0.5");

        // then the gate fails, saying which model and why, and the reports are still written
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("FAIL: model 'embedded' accuracy 0.00% is below --min-accuracy 50.00%");
        assertThat(dir.resolve("swapped/report.md")).exists();
    }

    @Test
    void should_exit_two_when_the_dataset_is_missing() {
        // when
        Run run = cli("eval", dir.resolve("zero-shot.yaml").toString(), "--dataset", dir.resolve("nowhere.csv").toString());

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("No dataset at");
    }

    @Test
    void should_exit_two_when_the_label_column_is_not_in_the_dataset() {
        // when
        Run run = cli("eval", dir.resolve("zero-shot.yaml").toString(), "--dataset", dir.resolve("right.csv").toString(),
                "--label-column", "category");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("No field 'category'").contains("[text, label]");
    }

    @Test
    void should_train_a_head_and_evaluate_a_workflow_with_it_when_the_step_names_no_labels() throws IOException {
        // given a head trained by the command
        Run train = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent",
                "--out", dir.resolve("heads/intents.head").toString(), "--hidden", "0", "--epochs", "60", "--learning-rate", "0.01",
                "--calibration-share", "0", "--no-cache");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("Trained a linear head on 18 rows, 3 labels").contains("version head-");
        assertThat(TrainedHead.read(dir.resolve("heads/intents.head")).labels()).containsExactly("card_arrival", "exchange_rate", "lost_card");

        // when the workflow's step, with no labels of its own, is evaluated with it and with the zero-shot model
        Run eval = cli("eval", dir.resolve("headed.yaml").toString(), "--dataset", dir.resolve("intents.csv").toString(),
                "--label-column", "intent", "--model", "intents", "--model", "embedded", "--out", dir.resolve("headed").toString());

        // then the head's labels are the step's, for both models
        assertThat(eval.exit()).as(eval.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(dir.resolve("headed/report.json").toFile());
        assertThat(report.at("/models/0/model").asText()).isEqualTo("intents");
        assertThat(report.at("/models/0/accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(report.at("/models/0/labels").size()).isEqualTo(3);
        assertThat(report.at("/models/1/model").asText()).isEqualTo("embedded");
        assertThat(report.at("/models/1/in_scope").asInt()).isEqualTo(18);
    }

    @Test
    void should_train_on_the_tuned_encoder_and_evaluate_through_it_when_given_tuned_weights() throws IOException {
        // given fine-tuned weights of the default encoder that give every text the same vector
        Path folder = Files.createDirectories(dir.resolve("tuned"));
        Path weights = Files.write(folder.resolve("flat.tuned"), TunedWeightsTest.tunedFile("all-minilm-l6-v2-q", TunedWeightsTest.flattening()));
        String version = TunedWeights.read(weights).version();
        Files.copy(dir.resolve("switchboard.yaml"), folder.resolve("switchboard.yaml"));
        Files.copy(dir.resolve("headed.yaml"), folder.resolve("headed.yaml"));

        // when a head is trained with them, and the workflow evaluated with that head
        Run train = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent", "--tuned", weights.toString(),
                "--out", folder.resolve("heads/intents.head").toString(), "--hidden", "0", "--epochs", "60", "--learning-rate", "0.01",
                "--calibration-share", "0", "--no-cache");
        Run eval = cli("eval", folder.resolve("headed.yaml").toString(), "--dataset", dir.resolve("intents.csv").toString(),
                "--label-column", "intent", "--out", folder.resolve("report").toString());

        // then the head carries the weights, and the model runs its encoder with them: one vector, one label for all
        // 18 texts, right for 6 of them (the shipped encoder's head, trained the same way, is right for at least 16)
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("encoder       all-minilm-l6-v2-q (all-MiniLM-L6-v2 (quantized), fine-tuned " + version + ")");
        assertThat(TrainedHead.read(folder.resolve("heads/intents.head")).tuned().get("all-minilm-l6-v2-q").version()).isEqualTo(version);
        assertThat(eval.exit()).as(eval.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(folder.resolve("report/report.json").toFile());
        assertThat(report.at("/models/0/accuracy").asDouble()).isEqualTo(6 / 18.0);
    }

    @Test
    void should_calibrate_on_the_rows_the_finetuning_held_out_when_training_on_tuned_weights() throws IOException {
        // given weights whose fine-tuning left half of the rows out (by a hash of each text)
        Path weights = Files.write(dir.resolve("half.tuned"), TunedWeightsTest.tunedFile("all-minilm-l6-v2-q", TunedWeightsTest.flattening(),
                java.util.Map.of("held_out", java.util.Map.of("percent", 50))));
        TunedWeights half = TunedWeights.read(weights);
        List<String> texts = Dataset.read(dir.resolve("intents.csv")).column("text");
        long unseen = texts.stream().filter(half::heldOut).count();

        // when a head is trained with calibration on
        Run train = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent", "--tuned", weights.toString(),
                "--out", dir.resolve("heads/half.head").toString(), "--hidden", "0", "--epochs", "5", "--no-cache");

        // then it calibrated on exactly the rows the encoder did not see, not on a tenth of each label (3 rows)
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(unseen).isBetween(4L, 14L);
        TrainedHead head = TrainedHead.read(dir.resolve("heads/half.head"));
        assertThat(head.training()).containsEntry("held_out_examples", (int) unseen)
                .containsEntry("calibrated_on", "the rows the tuned encoders' fine-tuning held out");
        assertThat(train.out()).contains("held out      " + unseen + " rows");
    }

    @Test
    void should_refuse_tuned_weights_when_they_tune_an_encoder_the_head_does_not_read() throws IOException {
        // given weights of the quantized MiniLM, and a head asked on bge-small
        Path weights = Files.write(dir.resolve("flat.tuned"), TunedWeightsTest.tunedFile("all-minilm-l6-v2-q", TunedWeightsTest.flattening()));
        Files.writeString(dir.resolve("not.tuned"), "hello");

        // when
        Run other = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent", "--encoder", "bge-small-en-v15-q",
                "--tuned", weights.toString(), "--out", dir.resolve("heads/bge.head").toString(), "--no-cache");
        Run unreadable = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent",
                "--tuned", dir.resolve("not.tuned").toString(), "--out", dir.resolve("heads/bad.head").toString(), "--no-cache");

        // then
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("Tuned weights at --tuned " + weights + ": got weights of all-minilm-l6-v2-q, expected one each of the --encoder's bge-small-en-v15-q");
        assertThat(unreadable.exit()).isEqualTo(2);
        assertThat(unreadable.err()).contains("Unreadable tuned weights at --tuned: " + dir.resolve("not.tuned") + " is not a tuned-encoder file");
        assertThat(dir.resolve("heads/bge.head")).doesNotExist();
    }

    @Test
    void should_hold_out_labels_as_out_of_scope_when_training_with_holdout() throws IOException {
        // when one of the three labels is held out
        Run train = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent",
                "--out", dir.resolve("heads/two.head").toString(), "--hidden", "0", "--epochs", "30", "--calibration-share", "0",
                "--holdout-labels", "1", "--no-cache");

        // then the head knows two labels and says which one it left out
        assertThat(train.exit()).as(train.err()).isZero();
        TrainedHead head = TrainedHead.read(dir.resolve("heads/two.head"));
        assertThat(head.labels()).hasSize(2);
        assertThat(head.training()).containsKey("out_of_scope_labels");
        assertThat(train.out()).contains("held out as out-of-scope");
    }

    @Test
    void should_refuse_the_workflow_when_a_label_is_unknown_to_the_head() throws IOException {
        // given a step that asks the head for a label it was not trained on
        Path workflow = dir.resolve("wrong-label.yaml");
        Files.writeString(workflow, """
                name: intents
                on:
                  types: [message.received]
                steps:
                  - id: intent
                    classify:
                      input: "{{ event.data.text }}"
                      model: intents
                      labels:
                        card_arrival: The card has not arrived
                        lost_crad: The card is lost
                """);

        // when
        Run run = cli("eval", workflow.toString(), "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Label unknown to the head at steps[0].classify.labels.lost_crad: got 'lost_crad'")
                .contains("did you mean 'lost_card'?");
    }

    @Test
    void should_refuse_the_workflow_when_the_head_was_trained_on_another_encoder_than_the_model_names() throws IOException {
        // given a head trained on the float all-MiniLM-L6-v2, and a model that leaves its encoder at the default
        Path folder = Files.createDirectories(dir.resolve("other-encoder"));
        Run train = cli("train", "--dataset", dir.resolve("intents.csv").toString(), "--label-column", "intent",
                "--out", folder.resolve("heads/intents.head").toString(), "--encoder", "all-minilm-l6-v2", "--hidden", "0", "--epochs", "5",
                "--calibration-share", "0", "--no-cache");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("encoder       all-minilm-l6-v2 (all-MiniLM-L6-v2)");
        Files.writeString(folder.resolve("switchboard.yaml"), """
                models:
                  intents:
                    provider: embedded
                    head: heads/intents.head
                """);
        Files.copy(dir.resolve("headed.yaml"), folder.resolve("headed.yaml"));

        // when
        Run run = cli("eval", folder.resolve("headed.yaml").toString(), "--dataset", dir.resolve("intents.csv").toString(),
                "--label-column", "intent");

        // then it says which encoder to set
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Head trained on another encoder at steps[0].classify.model: got 'intents'")
                .contains("trained on all-minilm-l6-v2").contains("Set `encoder: all-minilm-l6-v2` on model 'intents'");
    }

    @Test
    void should_refuse_the_workflow_when_labels_are_missing_and_the_model_has_no_head() throws IOException {
        // given
        Path workflow = dir.resolve("no-labels.yaml");
        Files.writeString(workflow, """
                name: nolabels
                on:
                  types: [message.received]
                steps:
                  - id: intent
                    classify:
                      input: "{{ event.data.text }}"
                """);

        // when
        Run run = cli("eval", workflow.toString(), "--dataset", dir.resolve("right.csv").toString(), "--config", dir.resolve("switchboard.yaml").toString());

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing labels at steps[0].classify.labels: model 'embedded' has no trained head");
    }
}
