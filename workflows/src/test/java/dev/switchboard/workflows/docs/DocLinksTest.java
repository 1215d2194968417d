package dev.switchboard.workflows.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * README and the docs point only inside the repository: a relative link resolves to a file or folder of
 * the repository (and its {@code #anchor} to a heading of a hand-written page), and a Markdown file they
 * name in prose, or by a path in code, exists in it. Web links (the specifications and vendors' pages they
 * cite) are not followed. The anchors of {@code docs/reference/} are the generator's, which
 * {@code GeneratedFilesTest} covers.
 */
class DocLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern MARKDOWN_FILE = Pattern.compile("(?<![\\w./-])([\\w./-]*[\\w-]+\\.md)\\b");
    private static final Pattern HEADING = Pattern.compile("#{1,6} (.+)");

    static Stream<String> documents() throws IOException {
        Path root = GeneratedFilesTest.repositoryRoot();
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            return Stream.concat(Stream.of("README.md"), docs.filter(file -> file.toString().endsWith(".md"))
                    .map(file -> root.relativize(file).toString().replace('\\', '/')).sorted().toList().stream());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void should_resolve_every_relative_link_inside_the_repository_when_a_document_is_read(String document) throws IOException {
        // given
        Path root = GeneratedFilesTest.repositoryRoot();
        Path file = root.resolve(document);
        List<String> broken = new ArrayList<>();

        // when
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            Matcher link = LINK.matcher(lines.get(i));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("(?i)(https?|mailto):.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                    broken.add(document + ":" + (i + 1) + ": " + target + " is not a file of the repository");
                } else if (hash >= 0 && resolved.toString().endsWith(".md") && !document.startsWith("docs/reference/")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(document + ":" + (i + 1) + ": " + target + " names no heading of " + root.relativize(resolved));
                }
            }
        }

        // then
        assertThat(broken).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void should_name_only_markdown_files_of_the_repository_when_a_document_mentions_one(String document) throws IOException {
        // given
        Path root = GeneratedFilesTest.repositoryRoot();
        Path file = root.resolve(document);
        List<String> missing = new ArrayList<>();

        // when
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            // a file a command writes (`report.md`) is code; a path in code, or a name in prose, is the repository's
            String text = lines.get(i).replaceAll("https?://\\S+", "").replaceAll("`[^`/]*`", " ");
            Matcher name = MARKDOWN_FILE.matcher(text);
            while (name.find()) {
                String mentioned = name.group(1);
                boolean exists = Stream.of(file.getParent(), root, root.resolve("docs"))
                        .map(folder -> folder.resolve(mentioned).normalize())
                        .anyMatch(candidate -> candidate.startsWith(root) && Files.exists(candidate));
                if (!exists) {
                    missing.add(document + ":" + (i + 1) + ": " + mentioned);
                }
            }
        }

        // then
        assertThat(missing).as("Markdown files named that the repository does not have").isEmpty();
    }

    /** The anchors of a Markdown file's headings, as GitHub makes them: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path markdown) throws IOException {
        return Files.readAllLines(markdown, StandardCharsets.UTF_8).stream().map(HEADING::matcher).filter(Matcher::matches)
                .map(heading -> heading.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
