package dev.switchboard.llm.steps.internal;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.switchboard.llm.embedded.Vectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of Markdown articles, embedded in-process (all-MiniLM-L6-v2) for retrieval. An article's
 * id is its file name without {@code .md}; its title is its first heading. Articles are cut into
 * paragraphs of up to ~800 characters, since the model reads only the first 256 tokens of a text;
 * an article scores as its best paragraph.
 */
public final class KnowledgeBase {

    /** One article. */
    public record Article(String id, String title, String text) {
    }

    /** An article found for a query, with its cosine similarity. */
    public record Hit(Article article, double score) {
    }

    private record Chunk(int article, float[] vector) {
    }

    private static final int CHUNK_CHARS = 800;

    private final List<Article> articles;
    private final List<Chunk> chunks;
    private final EmbeddingModel model;
    private final String fingerprint;

    private KnowledgeBase(List<Article> articles, List<Chunk> chunks, EmbeddingModel model, String fingerprint) {
        this.articles = articles;
        this.chunks = chunks;
        this.model = model;
        this.fingerprint = fingerprint;
    }

    public static List<Article> read(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("not a folder: " + folder);
        }
        List<Article> articles = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().toList()) {
                if (Files.isSymbolicLink(file)) {
                    // the folder is checked to be where workflows may read; a link in it could lead anywhere
                    throw new IOException("article " + file.getFileName() + " is a symbolic link; copy the article into the folder");
                }
                String text = Files.readString(file, StandardCharsets.UTF_8);
                String id = file.getFileName().toString().replaceFirst("\\.md$", "");
                String title = text.lines().filter(line -> line.startsWith("#")).findFirst()
                        .map(line -> line.replaceFirst("^#+\\s*", "").strip()).orElse(id);
                articles.add(new Article(id, title, text));
            }
        }
        if (articles.isEmpty()) {
            throw new IOException("no Markdown (*.md) articles in " + folder);
        }
        return articles;
    }

    public static KnowledgeBase load(Path folder, EmbeddingModel model) throws IOException {
        List<Article> articles = read(folder);
        List<String> texts = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < articles.size(); i++) {
            Article article = articles.get(i);
            all.append(article.id()).append('\0').append(article.text()).append('\0');
            for (String chunk : chunks(article)) {
                texts.add(chunk);
                owners.add(i);
            }
        }
        List<Chunk> chunks = new ArrayList<>();
        var embeddings = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        for (int i = 0; i < texts.size(); i++) {
            chunks.add(new Chunk(owners.get(i), Vectors.unit(embeddings.get(i).vector())));
        }
        return new KnowledgeBase(List.copyOf(articles), List.copyOf(chunks), model, PromptText.hash(all.toString(), 6));
    }

    private static List<String> chunks(Article article) {
        List<String> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder(article.title()).append(". ");
        for (String paragraph : article.text().split("\\n\\s*\\n")) {
            if (current.length() + paragraph.length() > CHUNK_CHARS && current.length() > article.title().length() + 2) {
                chunks.add(current.toString());
                current = new StringBuilder(article.title()).append(". ");
            }
            current.append(paragraph.strip()).append('\n');
        }
        chunks.add(current.toString());
        return chunks;
    }

    /** A content hash of the articles: part of the prompt version, so a changed article changes it. */
    public String fingerprint() {
        return fingerprint;
    }

    public List<Article> articles() {
        return articles;
    }

    /** The best {@code k} articles at or above {@code minScore}, best first. */
    public List<Hit> search(String query, int k, double minScore) {
        float[] vector = Vectors.unit(model.embed(TextSegment.from(query == null || query.isBlank() ? " " : query)).content().vector());
        double[] best = new double[articles.size()];
        java.util.Arrays.fill(best, -1);
        for (Chunk chunk : chunks) {
            best[chunk.article()] = Math.max(best[chunk.article()], Vectors.dot(vector, chunk.vector()));
        }
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < articles.size(); i++) {
            if (best[i] >= minScore) {
                hits.add(new Hit(articles.get(i), Math.round(best[i] * 1000) / 1000.0));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits.size() > k ? List.copyOf(hits.subList(0, k)) : List.copyOf(hits);
    }

}
