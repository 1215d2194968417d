package dev.switchboard.llm.steps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnowledgeBaseTest {

    @TempDir
    Path dir;

    @Test
    void should_read_the_markdown_articles_of_a_folder() throws IOException {
        // given
        Path kb = Files.createDirectories(dir.resolve("kb"));
        Files.writeString(kb.resolve("refunds.md"), "# Refunds\nWithin 30 days.");

        // when / then
        assertThat(KnowledgeBase.read(kb)).extracting(KnowledgeBase.Article::id, KnowledgeBase.Article::title)
                .containsExactly(tuple("refunds", "Refunds"));
    }

    @Test
    void should_refuse_an_article_that_is_a_symbolic_link() throws IOException {
        // given a folder the loader allowed, with a link to a file elsewhere
        Path kb = Files.createDirectories(dir.resolve("kb"));
        Files.writeString(kb.resolve("refunds.md"), "# Refunds\nWithin 30 days.");
        Files.createSymbolicLink(kb.resolve("keys.md"), Files.writeString(dir.resolve("id_rsa"), "-----BEGIN PRIVATE KEY-----"));

        // when / then the file is named, its content is not
        assertThatThrownBy(() -> KnowledgeBase.read(kb)).isInstanceOf(IOException.class)
                .hasMessage("article keys.md is a symbolic link; copy the article into the folder");
    }
}
