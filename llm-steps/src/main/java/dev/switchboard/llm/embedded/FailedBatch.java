package dev.switchboard.llm.embedded;

import dev.switchboard.llm.spi.Classification;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** What an in-process classifier answers when its model fails on a batch of texts. */
final class FailedBatch {

    private FailedBatch() {
    }

    /**
     * Each text classified again alone, so a text the model cannot take fails alone, not its whole batch;
     * a single text that fails is a failed classification with the model's message.
     */
    static List<Classification> retryAlone(List<String> texts, RuntimeException failure,
                                           Function<List<String>, List<Classification>> classify) {
        if (texts.size() > 1) {
            List<Classification> results = new ArrayList<>(texts.size());
            texts.forEach(text -> results.addAll(classify.apply(List.of(text))));
            return results;
        }
        return failedAll(texts, "Embedded model failed: " + failure.getMessage());
    }

    /** One permanent failure with {@code reason} per text. */
    static List<Classification> failedAll(List<String> texts, String reason) {
        return texts.stream().map(text -> Classification.failed(reason, false, null)).toList();
    }
}
