package dev.switchboard.workflows.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How close a summarize or draft step's texts are to reference answers, by ROUGE-L (the longest common subsequence of
 * words, as an F-measure of its precision and recall), and for drafts how they cite: the share of rows whose draft cites
 * only articles that were retrieved, and, where the dataset names the articles that answer a row, precision and recall of
 * the citations against them. A row without an answer scores 0 and has no valid citations.
 *
 * @param rows              rows scored
 * @param answered          rows with a text
 * @param rougeL            mean ROUGE-L F-measure over all rows; NaN when no row has a reference (a judge grades those)
 * @param citationValidity  drafts: share of rows with a draft citing only retrieved articles; NaN for summaries
 * @param citationPrecision drafts: of the cited ids on rows that name their articles, the share named; NaN when none
 * @param citationRecall    drafts: of the ids rows name, the share cited; NaN when no row names any
 * @param similarity        mean cosine similarity of the texts' and the references' embeddings (the embedded encoder), a row
 *                          without a text scoring 0; NaN when not computed or no row has a reference
 * @param groundedness      drafts: the mean share of a draft's sentences that the articles retrieved for it support
 *                          ({@link Groundedness}), a row without a draft scoring 0; NaN for other steps
 */
public record TextScores(int rows, int answered, double rougeL, double citationValidity, double citationPrecision, double citationRecall,
                         double similarity, double groundedness) {

    /** The same figures with the mean embedding similarity to the references ({@link ReferenceSimilarity}). */
    public TextScores withSimilarity(double mean) {
        return new TextScores(rows, answered, rougeL, citationValidity, citationPrecision, citationRecall, mean, groundedness);
    }

    /** The same figures with the drafts' mean share of sentences the retrieved articles support ({@link Groundedness}). */
    public TextScores withGroundedness(double mean) {
        return new TextScores(rows, answered, rougeL, citationValidity, citationPrecision, citationRecall, similarity, mean);
    }

    /** A row's reference: the text, and the ids of the articles that answer it (empty when the dataset gives none). */
    public record Reference(String text, List<String> articles) {
    }

    /**
     * @param references one per row
     * @param outputs    the step's output per row, null when it gave none
     * @param textField  {@code summary} or {@code draft}
     */
    @SuppressWarnings("unchecked")
    public static TextScores of(List<Reference> references, List<Map<String, Object>> outputs, String textField) {
        boolean draft = textField.equals("draft");
        double rouge = 0;
        int answered = 0;
        int valid = 0;
        int cited = 0;
        int citedRight = 0;
        int named = 0;
        int namedCited = 0;
        boolean referenced = references.stream().anyMatch(reference -> !reference.text().isBlank());
        for (int i = 0; i < references.size(); i++) {
            Reference reference = references.get(i);
            Map<String, Object> output = outputs.get(i);
            Object text = output == null ? null : output.get(textField);
            if (text == null) {
                named += reference.articles().size();
                continue;
            }
            answered++;
            rouge += rougeL(reference.text(), text.toString());
            if (draft) {
                List<String> citations = ids(output.get("citations"));
                List<String> retrieved = new ArrayList<>();
                if (output.get("articles") instanceof Collection<?> articles) {
                    articles.forEach(article -> retrieved.add(article instanceof Map<?, ?> map ? String.valueOf(map.get("id")) : String.valueOf(article)));
                }
                valid += retrieved.containsAll(citations) ? 1 : 0;
                if (!reference.articles().isEmpty()) {
                    Set<String> want = Set.copyOf(reference.articles());
                    cited += citations.size();
                    citedRight += (int) citations.stream().filter(want::contains).count();
                    named += want.size();
                    namedCited += (int) want.stream().filter(citations::contains).count();
                }
            }
        }
        int rows = references.size();
        return new TextScores(rows, answered, rows == 0 || !referenced ? Double.NaN : rouge / rows, draft ? share(valid, rows) : Double.NaN,
                draft ? share(citedRight, cited) : Double.NaN, draft ? share(namedCited, named) : Double.NaN, Double.NaN, Double.NaN);
    }

    /** ROUGE-L F-measure (beta 1) over lower-cased word tokens; 0 when either text has none. */
    static double rougeL(String reference, String candidate) {
        List<String> want = words(reference);
        List<String> got = words(candidate);
        if (want.isEmpty() || got.isEmpty()) {
            return 0;
        }
        int[][] lcs = new int[want.size() + 1][got.size() + 1];
        for (int i = 1; i <= want.size(); i++) {
            for (int j = 1; j <= got.size(); j++) {
                lcs[i][j] = want.get(i - 1).equals(got.get(j - 1)) ? lcs[i - 1][j - 1] + 1 : Math.max(lcs[i - 1][j], lcs[i][j - 1]);
            }
        }
        double common = lcs[want.size()][got.size()];
        if (common == 0) {
            return 0;
        }
        double recall = common / want.size();
        double precision = common / got.size();
        return 2 * precision * recall / (precision + recall);
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : (text == null ? "" : text).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    private static List<String> ids(Object value) {
        List<String> ids = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            collection.forEach(id -> ids.add(String.valueOf(id)));
        }
        return ids;
    }

    private static double share(int part, int whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
