package dev.switchboard.workflows.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the review queue shows a held draft, and how a reviewer's correction becomes the step's output. */
class ReviewDeskTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_offer_the_drafted_reply_in_its_own_box_when_the_best_answer_is_a_draft() throws Exception {
        // given a held draft step whose two models answered, the better one with more confidence
        ReviewDesk.Item item = ReviewDesk.item(JSON.readTree("""
                {"review_id": "rev_1", "workflow": "support", "step": "reply", "reason": "low confidence",
                 "event": {"id": "ev-1"},
                 "candidates": [
                   {"model": "a", "outcome": "low_confidence", "output": {"draft": "Hi, <b>sorry</b>", "citations": ["kb-1"], "confidence": 0.6}},
                   {"model": "b", "outcome": "low_confidence", "output": {"draft": "Hello", "citations": [], "confidence": 0.3}}]}
                """));

        // then the reply of the best answer is what the reviewer edits, and both answers are listed
        assertThat(item.draft()).isEqualTo("Hi, <b>sorry</b>");
        assertThat(item.candidates()).extracting(ReviewDesk.Candidate::model).containsExactly("a", "b");
        assertThat(item.candidates()).extracting(ReviewDesk.Candidate::confidence).containsExactly("0.60", "0.30");
    }

    @Test
    void should_send_the_edited_reply_as_the_draft_when_a_reviewer_corrects_it() throws Exception {
        Map<String, Object> value = ReviewDesk.corrected("{\"draft\": \"Hi\", \"citations\": [\"kb-1\"]}", "Hello Ann,\r\nyour refund is on its way.");

        assertThat(value).containsEntry("draft", "Hello Ann,\nyour refund is on its way.").containsEntry("citations", List.of("kb-1"));
    }

    @Test
    void should_offer_the_proposed_draft_when_a_review_step_held_it_without_a_confidence() throws Exception {
        ReviewDesk.Item item = ReviewDesk.item(JSON.readTree("""
                {"candidates": [{"model": "review:hold", "outcome": "proposed", "output": {"draft": "Hello Ann"}}]}
                """));

        assertThat(item.draft()).isEqualTo("Hello Ann");
        assertThat(item.proposed()).contains("Hello Ann");
    }

    @Test
    void should_take_a_proposed_reply_as_the_draft_when_the_review_step_names_it_reply() throws Exception {
        // given a review step that proposes {reply: ...}, as the support copilot example does
        ReviewDesk.Item item = ReviewDesk.item(JSON.readTree("""
                {"candidates": [{"model": "review:hold", "outcome": "proposed", "output": {"reply": "Hi Ann"}}]}
                """));

        // then the reply shows in the box, and the edited box becomes the reply
        assertThat(item.draft()).isEqualTo("Hi Ann");
        assertThat(ReviewDesk.corrected(item.proposed(), "Hello Ann,\r\nthanks.")).isEqualTo(Map.of("reply", "Hello Ann,\nthanks."));
    }

    @Test
    void should_keep_a_classification_as_edited_when_it_has_no_draft() throws Exception {
        assertThat(ReviewDesk.corrected("{\"label\": \"billing\"}", null)).isEqualTo(Map.of("label", "billing"));
        assertThat(ReviewDesk.item(JSON.readTree("{\"candidates\": [{\"output\": {\"label\": \"bug\", \"confidence\": 0.4}}]}")).draft())
                .isNull();
        assertThatThrownBy(() -> ReviewDesk.corrected("[\"billing\"]", null))
                .hasMessageContaining("The corrected value must be a JSON object, e.g. {\"label\": \"billing\"}: got '[\"billing\"]'");
    }
}
