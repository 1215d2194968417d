package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Personal data never reaches the model's request log, and the output carries the originals. */
class PiiMaskingIT {

    @TempDir
    Path dir;

    @Test
    void should_keep_pii_out_of_requests_and_restore_it_in_the_output_when_extracting() {
        // given a model that copies the email placeholder it sees into its answer
        try (ModelSimulator model = ModelSimulator.start().answers(request -> {
                 String email = request.user().replaceAll("(?s).*(\\[EMAIL_\\d+]).*", "$1");
                 return "{\"email\":\"" + email + "\",\"amount\":120.5,\"confidence\":0.9}";
             });
             ModelRegistry models = new ModelRegistry(Map.of("sim",
                     ModelDefinition.builder().baseUrl(model.baseUrl()).model("sim").retries(0).build()))) {
            Step step = StepTestKit.create(new ExtractStepFactory(), "contact", """
                    input: "{{ event.data.body }}"
                    fields:
                      email: {type: string, description: "the customer's email", required: true}
                      amount: {type: number, description: the amount}
                    model: sim
                    cache: "off"
                    mask_pii: true
                    injection: "off"
                    """, StepTestKit.environment().withBaseDir(dir).withService(models));
            String text = "Hi, my name is Jane Doe, mail jane.doe@example.com or call +44 20 7946 0958. "
                    + "Refund 120.50 to IBAN GB82 WEST 1234 5698 7654 32, card 4111 1111 1111 1111.\n\nBest regards,\nJane Doe";

            // when
            StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().data("body", text).build());

            // then
            assertThat(model.requests()).isNotEmpty().allSatisfy(request -> assertThat(request.body())
                    .doesNotContain("jane.doe@example.com", "7946", "GB82", "4111", "Jane Doe")
                    .contains("[EMAIL_1]", "[PHONE_1]", "[IBAN_1]", "[CARD_1]", "[NAME_1]"));
            assertThat(((StepOutcome.Completed) outcome).output())
                    .containsEntry("email", "jane.doe@example.com").containsEntry("amount", 120.5);
        }
    }

    @Test
    void should_keep_dates_and_amounts_as_they_are_when_extracting_them_from_masked_text() {
        // given a model that copies what follows "due " and "amount " in the text it sees
        try (ModelSimulator model = ModelSimulator.start().answers(request -> {
                 String due = request.user().replaceAll("(?s).*due (\\S+?)[,.].*", "$1");
                 String amount = request.user().replaceAll("(?s).*amount (\\d[\\d ]*\\.\\d\\d).*", "$1").replace(" ", "");
                 return "{\"due_date\":\"" + due + "\",\"amount\":" + amount + ",\"confidence\":0.9}";
             });
             ModelRegistry models = new ModelRegistry(Map.of("sim",
                     ModelDefinition.builder().baseUrl(model.baseUrl()).model("sim").retries(0).build()))) {
            Step step = StepTestKit.create(new ExtractStepFactory(), "invoice", """
                    input: "{{ event.data.body }}"
                    fields:
                      due_date: {type: date, description: when the invoice is due, required: true}
                      amount: {type: number, description: the amount, required: true}
                    model: sim
                    cache: "off"
                    mask_pii: true
                    injection: "off"
                    """, StepTestKit.environment().withBaseDir(dir).withService(models));
            String text = "Invoice INV-7 from jane.doe@example.com: amount 1 250 000.00 EUR, due 2024-06-30, call +33 6 12 34 56 78.";

            // when
            StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().data("body", text).build());

            // then the model saw the date and the amount, and the answer passed validation
            assertThat(model.requests()).isNotEmpty().allSatisfy(request -> assertThat(request.body())
                    .contains("2024-06-30", "1 250 000.00", "[EMAIL_1]", "[PHONE_1]").doesNotContain("12 34 56 78"));
            assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> assertThat(completed.output())
                    .containsEntry("due_date", "2024-06-30").containsEntry("amount", 1250000.0));
        }
    }
}
