package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The review step: every event it runs for is held, with its reason and the proposal a person approves or corrects. */
class ReviewStepTest {

    @Test
    void should_hold_the_event_with_the_rendered_reason_and_proposal() {
        // given
        Step step = StepTestKit.create(new ReviewStepFactory(), "hold", """
                reason: "Sensitive ticket ({{ steps.triage.label }}): check the reply before it is sent"
                propose:
                  reply: "{{ steps.reply.draft }}"
                  articles: "{{ steps.reply.citations }}"
                """, StepTestKit.environment());

        // when
        StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation()
                .step("triage", Map.of("label", "security"))
                .step("reply", Map.of("draft", "We have passed this to our security team.", "citations", List.of("sensitive-security-incidents")))
                .build());

        // then the proposal is the review's one candidate: approving without a value approves it
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Review.class, review -> {
            assertThat(review.reason()).isEqualTo("Sensitive ticket (security): check the reply before it is sent");
            assertThat(review.calls()).isEmpty();
            assertThat(review.candidates()).singleElement().satisfies(candidate -> assertThat(candidate)
                    .containsEntry("model", "review:hold").containsEntry("outcome", "proposed")
                    .containsEntry("output", Map.of("reply", "We have passed this to our security team.",
                            "articles", "[\"sensitive-security-incidents\"]")));
        });
    }

    @Test
    void should_hold_with_an_empty_proposal_when_nothing_is_proposed() {
        // given
        Step step = StepTestKit.create(new ReviewStepFactory(), "hold", "reason: \"VIP account\"", StepTestKit.environment());

        // when
        StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().build());

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Review.class, review -> {
            assertThat(review.reason()).isEqualTo("VIP account");
            assertThat(review.candidates()).singleElement().satisfies(candidate -> assertThat(candidate).containsEntry("output", Map.of()));
        });
    }
}
