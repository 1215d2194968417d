package dev.switchboard.llm.steps.internal;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.switchboard.llm.embedded.Vectors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of Markdown articles, embedded in-process (all-MiniLM-L6-v2) for retrieval. An article's id is its
 * file name without {@code .md}; its title is its first heading; the folder's {@code README.md} is not an
 * article. Articles are cut into passages ({@link ArticleFiles#passages}), since the model reads only the first
 * 256 tokens of a text, and an article scores as its best passage.
 *
 * <p>{@link #refresh()} follows the folder: a file added, removed or changed (by size or modification time, and
 * re-read while its modification time is too recent to tell two writes apart) is read again, and only articles
 * whose text changed are embedded again. A folder found empty or unreadable keeps the articles it had: that is
 * a deployment half done more often than a wish to answer from nothing.
 */
public final class KnowledgeBase {

    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBase.class);
    /** A file modified this close to the last look may have changed again unseen (coarse file times): read it again. */
    private static final long RACY_MILLIS = 2_000;

    /** One article. */
    public record Article(String id, String title, String text) {
    }

    /**
     * An article found for a query, with its cosine similarity, and what of it the model is shown.
     *
     * @param excerpt the whole text when it is short enough, else the passages most similar to the query
     */
    public record Hit(Article article, double score, String excerpt) {
    }

    /** A folder's articles, and what was odd about reading them (encodings, sizes), one warning per file. */
    public record Scan(List<Article> articles, List<String> warnings) {
    }

    private record Passage(int order, String text, float[] vector) {
    }

    private record Snapshot(List<Article> articles, List<List<Passage>> passages, String fingerprint) {
    }

    private final Path folder;
    private final EmbeddingModel model;
    /** The passages of each article text embedded so far, by a hash of id and text. */
    private final Map<String, List<Passage>> embedded = new HashMap<>();
    private volatile Snapshot snapshot;
    private Map<String, ArticleFiles.Stamp> listed;
    private long listedAtMillis;

    private KnowledgeBase(Path folder, EmbeddingModel model) {
        this.folder = folder;
        this.model = model;
    }

    /** The articles of a folder; throws when it is not a folder or holds none. */
    public static Scan scan(Path folder) throws IOException {
        return scan(folder, ArticleFiles.list(folder));
    }

    private static Scan scan(Path folder, Map<String, ArticleFiles.Stamp> files) throws IOException {
        List<Article> articles = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String name : files.keySet()) {
            ArticleFiles.Read read = ArticleFiles.read(folder.resolve(name));
            String id = name.substring(0, name.length() - ".md".length());
            articles.add(new Article(id, ArticleFiles.title(read.text(), id), read.text()));
            if (read.warning() != null) {
                warnings.add(read.warning());
            }
        }
        if (articles.isEmpty()) {
            throw new IOException("no Markdown (*.md) articles in " + folder);
        }
        return new Scan(List.copyOf(articles), List.copyOf(warnings));
    }

    /** The articles of a folder; throws when it is not a folder or holds none. */
    public static List<Article> read(Path folder) throws IOException {
        return scan(folder).articles();
    }

    /** Reads and embeds a folder's articles; throws when it is not a folder or holds none. */
    public static KnowledgeBase load(Path folder, EmbeddingModel model) throws IOException {
        KnowledgeBase kb = new KnowledgeBase(folder, model);
        long now = System.currentTimeMillis();
        Map<String, ArticleFiles.Stamp> files = ArticleFiles.list(folder);
        kb.snapshot = kb.embed(scan(folder, files).articles());
        kb.listed = files;
        kb.listedAtMillis = now;
        return kb;
    }

    /**
     * Looks at the folder again and takes in what changed. True when the articles changed, and with them the
     * {@link #fingerprint()}.
     */
    public synchronized boolean refresh() {
        long now = System.currentTimeMillis();
        Map<String, ArticleFiles.Stamp> files;
        try {
            files = ArticleFiles.list(folder);
        } catch (IOException e) {
            LOG.warn("Knowledge base {} cannot be listed ({}); keeping its {} articles", folder, e.getMessage(), snapshot.articles().size());
            return false;
        }
        boolean racy = listed.values().stream().anyMatch(stamp -> stamp.modifiedMillis() >= listedAtMillis - RACY_MILLIS);
        if (files.equals(listed) && !racy) {
            return false;
        }
        Scan scan;
        try {
            scan = scan(folder, files);
        } catch (IOException e) {
            LOG.warn("Knowledge base {} has no readable articles now ({}); keeping its {} articles", folder, e.getMessage(),
                    snapshot.articles().size());
            return false;
        }
        scan.warnings().forEach(warning -> LOG.warn("Knowledge base {}: {}", folder, warning));
        listed = files;
        listedAtMillis = now;
        Snapshot next = embed(scan.articles());
        if (next.fingerprint().equals(snapshot.fingerprint())) {
            return false;
        }
        LOG.info("Knowledge base {} changed: {} articles (was {})", folder, next.articles().size(), snapshot.articles().size());
        snapshot = next;
        return true;
    }

    private Snapshot embed(List<Article> articles) {
        StringBuilder all = new StringBuilder();
        List<List<Passage>> passages = new ArrayList<>();
        Map<String, List<Passage>> kept = new HashMap<>();
        for (Article article : articles) {
            String key = PromptText.hash(article.id() + '\0' + article.text(), 8);
            all.append(article.id()).append('\0').append(article.text()).append('\0');
            List<Passage> done = embedded.get(key);
            if (done == null) {
                done = passages(article);
            }
            kept.put(key, done);
            passages.add(done);
        }
        embedded.clear();
        embedded.putAll(kept);
        return new Snapshot(List.copyOf(articles), List.copyOf(passages), PromptText.hash(all.toString(), 6));
    }

    private List<Passage> passages(Article article) {
        List<String> texts = ArticleFiles.passages(article.text());
        // each passage is embedded with its article's title, which often names what the passage is about
        var vectors = model.embedAll(texts.stream().map(text -> TextSegment.from(article.title() + ". " + text)).toList()).content();
        List<Passage> passages = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            passages.add(new Passage(i, texts.get(i), Vectors.unit(vectors.get(i).vector())));
        }
        return List.copyOf(passages);
    }

    /** A content hash of the articles: part of the prompt version, so a changed article changes it. */
    public String fingerprint() {
        return snapshot.fingerprint();
    }

    public List<Article> articles() {
        return snapshot.articles();
    }

    /**
     * The best {@code k} articles at or above {@code minScore}, best first, each with an excerpt of at most
     * {@code excerptChars} characters for the model.
     */
    public List<Hit> search(String query, int k, double minScore, int excerptChars) {
        Snapshot current = snapshot;
        float[] vector = Vectors.unit(model.embed(TextSegment.from(query == null || query.isBlank() ? " " : query)).content().vector());
        List<double[]> scores = new ArrayList<>(current.articles().size());
        double[] best = new double[current.articles().size()];
        Arrays.fill(best, -1);
        for (int a = 0; a < current.articles().size(); a++) {
            List<Passage> passages = current.passages().get(a);
            double[] each = new double[passages.size()];
            for (int p = 0; p < passages.size(); p++) {
                each[p] = Vectors.dot(vector, passages.get(p).vector());
                best[a] = Math.max(best[a], each[p]);
            }
            scores.add(each);
        }
        List<Integer> found = new ArrayList<>();
        for (int a = 0; a < best.length; a++) {
            if (best[a] >= minScore) {
                found.add(a);
            }
        }
        found.sort(Comparator.comparingDouble((Integer a) -> best[a]).reversed());
        List<Hit> hits = new ArrayList<>();
        for (int a : found.subList(0, Math.min(k, found.size()))) {
            Article article = current.articles().get(a);
            hits.add(new Hit(article, Math.round(best[a] * 1000) / 1000.0,
                    excerpt(article, current.passages().get(a), scores.get(a), excerptChars)));
        }
        return List.copyOf(hits);
    }

    /** The whole text when it fits, else the title and the passages most like the query, in the article's order. */
    private static String excerpt(Article article, List<Passage> passages, double[] scores, int maxChars) {
        String text = article.text().strip();
        if (text.length() <= maxChars) {
            return text;
        }
        List<Passage> ranked = new ArrayList<>(passages);
        ranked.sort(Comparator.comparingDouble((Passage passage) -> scores[passage.order()]).reversed());
        String heading = "# " + article.title() + "\n";
        List<Passage> chosen = new ArrayList<>();
        int used = heading.length();
        for (Passage passage : ranked) {
            if (used + passage.text().length() + 2 > maxChars && !chosen.isEmpty()) {
                break;
            }
            chosen.add(passage);
            used += passage.text().length() + 2;
        }
        chosen.sort(Comparator.comparingInt(Passage::order));
        StringBuilder out = new StringBuilder(heading);
        for (Passage passage : chosen) {
            out.append("…\n").append(passage.text()).append('\n');
        }
        return out.length() > maxChars ? out.substring(0, maxChars) : out.toString();
    }
}
