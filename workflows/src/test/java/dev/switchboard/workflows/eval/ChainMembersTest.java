package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.eval.Prediction.MemberCall;
import dev.switchboard.workflows.eval.Prediction.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per model of an alias chain: rows asked, answered, the accuracy of its answers, fall-through and cost. */
class ChainMembersTest {

    private static final String LOCAL = "embedded/all-minilm-l6-v2-q";
    private static final String CHAT = "deepseek/deepseek-chat";
    private static final List<String> LABELS = List.of("billing", "bug");

    private static Prediction row(int index, String expected, String predicted, Outcome outcome, MemberCall... calls) {
        return new Prediction(index, expected, predicted, 0.9, outcome, null, 0, 0, 0, calls.length, List.of(calls));
    }

    @Test
    void should_count_each_member_when_rows_fall_through_the_chain() {
        // given four rows: two answered by the local model (one wrong), one it passed on to the chat model (retried
        // once after an error, then right), one both passed on to review
        List<Prediction> rows = List.of(
                row(0, "billing", "billing", Outcome.ANSWERED, new MemberCall(LOCAL, "ok", 0)),
                row(1, "bug", "billing", Outcome.ANSWERED, new MemberCall(LOCAL, "ok", 0)),
                row(2, "bug", "bug", Outcome.ANSWERED, new MemberCall(LOCAL, "low_confidence", 0),
                        new MemberCall(CHAT, "error", 0.001), new MemberCall(CHAT, "ok", 0.002)),
                row(3, "billing", "bug", Outcome.REVIEW, new MemberCall(LOCAL, "low_confidence", 0), new MemberCall(CHAT, "low_confidence", 0.002)));

        // when
        List<ChainMembers> members = ChainMembers.of(rows, LABELS);

        // then
        assertThat(members).extracting(ChainMembers::member).containsExactly(LOCAL, CHAT);
        ChainMembers local = members.get(0);
        assertThat(List.of(local.asked(), local.answered(), local.correct(), local.fellThrough())).containsExactly(4, 2, 1, 2);
        assertThat(local.accuracy()).isEqualTo(0.5);
        assertThat(local.fallThroughRate()).isEqualTo(0.5);
        ChainMembers chat = members.get(1);
        assertThat(List.of(chat.asked(), chat.answered(), chat.correct(), chat.fellThrough())).containsExactly(2, 1, 1, 1);
        assertThat(chat.accuracy()).isEqualTo(1.0);
        assertThat(chat.costUsd()).isEqualTo(0.005, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void should_show_no_chain_when_one_model_answered_every_row() {
        assertThat(ChainMembers.of(List.of(row(0, "bug", "bug", Outcome.ANSWERED, new MemberCall(CHAT, "ok", 0.001))), LABELS)).isEmpty();
    }
}
