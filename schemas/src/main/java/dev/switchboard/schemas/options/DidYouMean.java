package dev.switchboard.schemas.options;

import java.util.Collection;
import java.util.Optional;

/** Suggests the closest known word for a misspelt key or type (Levenshtein distance, at most a third of its length). */
public final class DidYouMean {

    private DidYouMean() {
    }

    public static Optional<String> closest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(word.toLowerCase(), candidate.toLowerCase());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(2, word.length() / 3)) {
            return Optional.of(best);
        }
        return Optional.empty();
    }

    /** " did you mean 'x'?" or "" */
    public static String hint(String word, Collection<String> known) {
        return closest(word, known).map(candidate -> "; did you mean '" + candidate + "'?").orElse("");
    }

    /**
     * The hint, then {@code sentence} as a sentence of its own: "; did you mean 'x'? Sentence" or
     * ". Sentence", so that a question mark is never followed by a full stop.
     */
    public static String hintThen(String word, Collection<String> known, String sentence) {
        String hint = hint(word, known);
        return hint + (hint.isEmpty() ? ". " : " ") + sentence;
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
