package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroundednessTest {

    @Test
    void should_count_the_claims_that_a_passage_supports_at_the_threshold_when_scoring_a_draft() {
        // given three claims: one a passage repeats, one at cosine 0.6 exactly, one unrelated (cosine 0.5)
        List<float[]> claims = List.of(new float[] {1, 0, 0}, new float[] {0.6f, 0.8f, 0}, new float[] {0, 0, 1});
        List<float[]> evidence = List.of(new float[] {1, 0, 0}, new float[] {0, -0.8660254f, 0.5f});

        // when
        double share = Groundedness.share(claims, evidence);

        // then: the first two are supported (the second's best is the first passage, at 0.6), the third's best is 0.5
        assertThat(share).isEqualTo(2.0 / 3);
        assertThat(Groundedness.share(List.of(), evidence)).isZero();
        assertThat(Groundedness.share(claims, List.of())).isZero();
    }

    @Test
    void should_take_sentences_and_list_lines_as_claims_and_leave_out_greetings_when_splitting_a_draft() {
        // when
        List<String> claims = Groundedness.sentences("""
                Hi Mara,

                Thanks for the call today. The plan costs $24 a month. Sure!
                - **Jordan Reyes** will send the demo invite by 2026-10-07
                Best regards,
                Jordan Reyes""");

        // then
        assertThat(claims).containsExactly("Thanks for the call today.", "The plan costs $24 a month.",
                "Jordan Reyes will send the demo invite by 2026-10-07");
    }
}
