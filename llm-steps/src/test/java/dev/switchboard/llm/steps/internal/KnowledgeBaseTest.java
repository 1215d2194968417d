package dev.switchboard.llm.steps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.switchboard.llm.ModelRegistry;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retrieval over a folder of articles with the in-process embedding model: ranking, the folder's odd files
 * (empty, huge, not UTF-8) and following the folder as it changes, checked before each batch.
 */
class KnowledgeBaseTest {

    static final String REFUNDS = """
            # Refunds and duplicate charges
            Category: Billing

            When a card is charged twice for the same invoice, the duplicate charge is refunded automatically within \
            five business days. You do not need to contact us. Refunds go back to the card that paid.
            """;
    static final String PASSWORD = """
            # Reset your password
            Category: Account access

            Click "Forgot password" on the sign-in page and enter your email address. The reset link arrives within \
            a few minutes and expires after one hour. Check your spam folder if the email does not arrive.
            """;
    static final String SHIPPING = """
            # Shipping the card reader
            Category: Card reader

            Card readers ship within two business days from our warehouse. Delivery takes three to five days in the \
            US, UK, France and Germany. You receive a tracking number by email when the parcel leaves.
            """;
    static final String API_KEYS = """
            # Create an API key
            Category: How-to

            Open Settings, then Developers, then API keys, and click "New key". Give the key a name and choose its \
            scopes. The key is shown once: store it in a secret manager.
            """;

    private static ModelRegistry models;
    private static EmbeddingModel embeddings;

    @TempDir
    Path kb;

    @BeforeAll
    static void model() {
        models = new ModelRegistry(Map.of());
        embeddings = models.embeddingModel();
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @BeforeEach
    void articles() throws IOException {
        Files.writeString(kb.resolve("billing-refunds.md"), REFUNDS);
        Files.writeString(kb.resolve("account-password-reset.md"), PASSWORD);
        Files.writeString(kb.resolve("card-reader-shipping.md"), SHIPPING);
        Files.writeString(kb.resolve("howto-api-keys.md"), API_KEYS);
        Files.writeString(kb.resolve("README.md"), "# About this folder\nThe help centre's articles, one per file.\n");
    }

    @Test
    void should_rank_the_article_that_answers_first_when_a_question_is_searched() throws IOException {
        // given
        KnowledgeBase base = KnowledgeBase.load(kb, embeddings);

        // when
        List<KnowledgeBase.Hit> password = base.search("I forgot my password and the reset email never came", 4, 0, 6000);
        List<KnowledgeBase.Hit> reader = base.search("When will my card reader be delivered? Do you send a tracking number?", 4, 0, 6000);
        List<KnowledgeBase.Hit> refund = base.search("We were charged twice this month, please refund the second payment", 2, 0, 6000);

        // then the answering article leads, scores fall, and top k is respected
        assertThat(password.get(0).article().id()).isEqualTo("account-password-reset");
        assertThat(reader.get(0).article().id()).isEqualTo("card-reader-shipping");
        assertThat(refund).hasSize(2).first().satisfies(hit -> assertThat(hit.article().id()).isEqualTo("billing-refunds"));
        assertThat(password).extracting(KnowledgeBase.Hit::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(password.get(0).score()).isGreaterThan(password.get(1).score() + 0.1);
        assertThat(password.get(0).excerpt()).isEqualTo(PASSWORD.strip());
    }

    @Test
    void should_leave_out_the_readme_and_articles_below_min_score_when_searching() throws IOException {
        // given
        KnowledgeBase base = KnowledgeBase.load(kb, embeddings);

        // when
        List<KnowledgeBase.Hit> hits = base.search("How do I create an API key for the scanner?", 10, 0.45, 6000);

        // then
        assertThat(base.articles()).extracting(KnowledgeBase.Article::id)
                .containsExactly("account-password-reset", "billing-refunds", "card-reader-shipping", "howto-api-keys");
        assertThat(hits).extracting(hit -> hit.article().id()).containsExactly("howto-api-keys");
    }

    @Test
    void should_refuse_a_folder_without_articles() throws IOException {
        // given a folder that holds only its README
        Path empty = Files.createDirectories(kb.resolve("empty"));
        Files.writeString(empty.resolve("README.md"), "# Nothing here yet\n");

        // then
        assertThatThrownBy(() -> KnowledgeBase.load(empty, embeddings)).isInstanceOf(IOException.class)
                .hasMessage("no Markdown (*.md) articles in " + empty);
        assertThatThrownBy(() -> KnowledgeBase.scan(kb.resolve("missing"))).isInstanceOf(IOException.class)
                .hasMessage("not a folder: " + kb.resolve("missing"));
    }

    @Test
    void should_find_a_passage_deep_in_a_huge_article_and_show_only_its_best_passages() throws IOException {
        // given an article of about 200,000 characters whose one useful paragraph sits near the end
        StringBuilder huge = new StringBuilder("# Warehouse handbook\n\n");
        for (int i = 0; i < 400; i++) {
            huge.append("Section ").append(i).append(". Pallets are stacked by weight class and scanned at the dock door. ")
                    .append("Every shelf carries a label with its aisle and bay numbers, and the night shift counts stock twice a week.\n\n");
        }
        huge.append("Cold storage: frozen goods must be moved into the freezer within fifteen minutes of delivery, and the "
                + "freezer alarm is tested every Monday at 7 am.\n\n");
        for (int i = 0; i < 100; i++) {
            huge.append("Appendix ").append(i).append(". Forklift keys are kept in the supervisor's office overnight.\n\n");
        }
        Files.writeString(kb.resolve("warehouse-handbook.md"), huge);
        KnowledgeBase base = KnowledgeBase.load(kb, embeddings);

        // when
        List<KnowledgeBase.Hit> hits = base.search("How quickly must frozen goods go into the freezer after delivery?", 1, 0, 1500);

        // then
        assertThat(huge.length()).isGreaterThan(50_000);
        assertThat(hits).singleElement().satisfies(hit -> {
            assertThat(hit.article().id()).isEqualTo("warehouse-handbook");
            assertThat(hit.excerpt()).startsWith("# Warehouse handbook\n").contains("within fifteen minutes of delivery").hasSizeLessThanOrEqualTo(1500);
        });
    }

    @Test
    void should_read_only_the_beginning_of_a_file_over_the_limit_and_say_so() throws IOException {
        // given
        Files.writeString(kb.resolve("giant.md"), "# Giant\n\n" + "word ".repeat(ArticleFiles.MAX_BYTES / 5 + 1000));

        // when
        KnowledgeBase.Scan scan = KnowledgeBase.scan(kb);

        // then
        assertThat(scan.articles()).filteredOn(article -> article.id().equals("giant")).singleElement()
                .satisfies(article -> assertThat(article.text().length()).isLessThanOrEqualTo(ArticleFiles.MAX_BYTES));
        assertThat(scan.warnings()).containsExactly("giant.md is longer than 262144 bytes: only its beginning is used. Split it into several articles");
    }

    @Test
    void should_read_a_windows_1252_file_as_such_and_warn_when_an_article_is_not_utf8() throws IOException {
        // given an article saved by an old editor in windows-1252
        Files.write(kb.resolve("rueckerstattung.md"), "# Rückerstattung bei doppelter Abbuchung\n\nWir erstatten doppelte Abbuchungen automatisch."
                .getBytes(Charset.forName("windows-1252")));
        Files.write(kb.resolve("bom.md"), ("\uFEFF# Byte order mark\n\nA UTF-8 file that starts with a byte-order mark.").getBytes(StandardCharsets.UTF_8));

        // when
        KnowledgeBase.Scan scan = KnowledgeBase.scan(kb);

        // then
        assertThat(scan.articles()).filteredOn(article -> article.id().equals("rueckerstattung")).singleElement()
                .satisfies(article -> assertThat(article.title()).isEqualTo("Rückerstattung bei doppelter Abbuchung"));
        assertThat(scan.articles()).filteredOn(article -> article.id().equals("bom")).singleElement()
                .satisfies(article -> assertThat(article.title()).isEqualTo("Byte order mark"));
        assertThat(scan.warnings()).containsExactly("rueckerstattung.md is not UTF-8: read as windows-1252. Save it as UTF-8");
    }

    @Test
    void should_take_in_added_changed_and_removed_articles_when_the_folder_changes() throws IOException {
        // given
        KnowledgeBase base = KnowledgeBase.load(kb, embeddings);
        String before = base.fingerprint();

        // when nothing changed
        boolean unchanged = base.refresh();

        // then
        assertThat(unchanged).isFalse();
        assertThat(base.fingerprint()).isEqualTo(before);

        // when an article is added and another removed
        Files.writeString(kb.resolve("howto-export-csv.md"), "# Export to CSV\n\nOpen Reports, choose a report and click Export, then CSV.");
        Files.delete(kb.resolve("card-reader-shipping.md"));
        boolean changed = base.refresh();

        // then
        assertThat(changed).isTrue();
        assertThat(base.fingerprint()).isNotEqualTo(before);
        assertThat(base.articles()).extracting(KnowledgeBase.Article::id).contains("howto-export-csv").doesNotContain("card-reader-shipping");
        assertThat(base.search("How do I export a report as CSV?", 1, 0, 6000)).singleElement()
                .satisfies(hit -> assertThat(hit.article().id()).isEqualTo("howto-export-csv"));
    }

    @Test
    void should_notice_a_rewrite_of_the_same_size_and_time_when_the_file_was_written_too_recently_to_tell() throws IOException {
        // given
        Path file = kb.resolve("howto-api-keys.md");
        FileTime written = Files.getLastModifiedTime(file);
        KnowledgeBase base = KnowledgeBase.load(kb, embeddings);

        // when the article is rewritten with as many bytes, and its file time set back as a coarse file system would show it
        String rewritten = API_KEYS.replace("secret manager", "password vault");
        assertThat(rewritten.length()).isEqualTo(API_KEYS.length());
        Files.writeString(file, rewritten);
        Files.setLastModifiedTime(file, written);
        boolean changed = base.refresh();

        // then
        assertThat(changed).isTrue();
        assertThat(base.articles()).filteredOn(article -> article.id().equals("howto-api-keys")).singleElement()
                .satisfies(article -> assertThat(article.text()).contains("password vault"));
    }

    @Test
    void should_keep_its_articles_when_the_folder_is_found_empty() throws IOException {
        // given
        KnowledgeBase base = KnowledgeBase.load(kb, embeddings);
        String before = base.fingerprint();

        // when every article is removed (a deployment half done)
        try (var files = Files.list(kb)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("README.md")).toList()) {
                Files.delete(file);
            }
        }
        boolean changed = base.refresh();

        // then
        assertThat(changed).isFalse();
        assertThat(base.fingerprint()).isEqualTo(before);
        assertThat(base.search("reset my password", 1, 0, 6000)).singleElement()
                .satisfies(hit -> assertThat(hit.article().id()).isEqualTo("account-password-reset"));
    }

    @Test
    void should_refuse_an_article_that_is_a_symbolic_link() throws IOException {
        // given a folder the loader allowed, with a link to a file elsewhere
        Path elsewhere = Files.createTempDirectory("elsewhere");
        Files.createSymbolicLink(kb.resolve("keys.md"), Files.writeString(elsewhere.resolve("id_rsa"), "-----BEGIN PRIVATE KEY-----"));

        // when / then the file is named, its content is not
        assertThatThrownBy(() -> KnowledgeBase.read(kb)).isInstanceOf(IOException.class)
                .hasMessage("article keys.md is a symbolic link; copy the article into the folder");
    }

    @Test
    void should_keep_its_articles_when_a_symbolic_link_appears_in_the_folder() throws IOException {
        // given
        KnowledgeBase base = KnowledgeBase.load(kb, embeddings);
        String before = base.fingerprint();
        Path elsewhere = Files.createTempDirectory("elsewhere");
        Files.createSymbolicLink(kb.resolve("keys.md"), Files.writeString(elsewhere.resolve("id_rsa"), "-----BEGIN PRIVATE KEY-----"));

        // when
        boolean changed = base.refresh();

        // then the link is never read
        assertThat(changed).isFalse();
        assertThat(base.fingerprint()).isEqualTo(before);
        assertThat(base.articles()).extracting(KnowledgeBase.Article::id).doesNotContain("keys");
    }

    @Test
    void should_cut_long_paragraphs_at_sentence_ends_when_making_passages() {
        // given
        String sentence = "This sentence is about forty-eight characters. ";
        String text = "# Title\n\nShort paragraph.\n\n" + sentence.repeat(40);

        // when
        List<String> passages = ArticleFiles.passages(text);

        // then
        assertThat(passages).hasSizeGreaterThan(2).allSatisfy(passage -> assertThat(passage.length()).isLessThanOrEqualTo(ArticleFiles.PASSAGE_CHARS));
        assertThat(passages.subList(1, passages.size())).allSatisfy(passage -> assertThat(passage).endsWith("."));
        assertThat(String.join(" ", passages).replaceAll("\\s+", " ")).isEqualTo(text.replaceAll("\\s+", " ").strip());
    }
}
