package dev.switchboard.workflows.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guides cannot drift from code that compiles and passes its contract: every code block marked
 * {@code <!-- example: path/to/File.java -->} (or {@code path#region} for the lines between
 * {@code // tag::region[]} and {@code // end::region[]}) is exactly that file's content, and every Java
 * block of a guide is marked. The files are the guides' examples, built and tested with the project.
 */
class GuidesTest {

    static final List<String> GUIDES = List.of("docs/adding-a-step.md", "docs/adding-a-source.md", "docs/adding-a-sink.md");

    private static final Pattern MARKER = Pattern.compile("<!-- example: ([^#\\s]+)(?:#([\\w-]+))? -->");
    private static final Pattern FENCE = Pattern.compile("```(\\w*)");
    private static final Pattern TAG = Pattern.compile("\\s*(?://|#) (?:tag|end)::[\\w-]+\\[]");

    /** One fenced block of a guide, with the example it claims to be (null when unmarked). */
    record Block(String guide, int line, String language, String text, String file, String region) {

        String where() {
            return guide + ":" + line;
        }
    }

    static Stream<String> guides() {
        return GUIDES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guides")
    void should_show_each_marked_example_as_the_file_has_it_when_the_guide_is_read(String guide) throws IOException {
        // given
        List<Block> blocks = blocks(guide);

        // when
        List<String> drift = drift(blocks, GeneratedFilesTest.repositoryRoot());

        // then
        assertThat(blocks).as("examples marked in %s", guide).anyMatch(block -> block.file() != null);
        assertThat(drift).as("blocks that are not their example's code; copy the file's lines into the guide").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guides")
    void should_mark_every_java_block_as_an_example_when_the_guide_shows_code(String guide) throws IOException {
        // when
        List<String> unmarked = blocks(guide).stream().filter(block -> block.language().equals("java") && block.file() == null)
                .map(Block::where).toList();

        // then
        assertThat(unmarked).as("Java blocks with no <!-- example: path --> line before them: show code from a file that compiles")
                .isEmpty();
    }

    @Test
    void should_report_the_block_and_its_first_different_line_when_a_block_is_not_its_file() {
        // given a guide that shows the sentiment step twice, the second time with a line changed
        Path root = GeneratedFilesTest.repositoryRoot();
        String file = "llm-steps/src/test/java/dev/switchboard/llm/steps/SentimentStep.java";
        String code = content(root.resolve(file), null);
        String guide = "<!-- example: " + file + " -->\n```java\n" + code + "\n```\n\nText\n\n<!-- example: " + file + " -->\n\n```java\n"
                + code.replace("extends ModelStep implements Step", "extends ModelStep") + "\n```\n";

        // when
        List<String> drift = drift(parse("guide.md", guide), root);

        // then
        assertThat(drift).singleElement().asString()
                .startsWith("guide.md:" + (code.lines().count() + 9) + ": differs from " + file + " at its line 13:")
                .contains("public final class SentimentStep extends ModelStep implements Step {");
    }

    @Test
    void should_cut_the_region_and_its_indentation_when_a_marker_names_one() {
        // given
        String source = "class A {\n    // tag::body[]\n    int a;\n    // tag::inner[]\n    int b;\n    // end::inner[]\n    // end::body[]\n}\n";

        // then
        assertThat(region(source, "body", "A.java")).isEqualTo("int a;\nint b;");
        assertThat(region(source, "inner", "A.java")).isEqualTo("int b;");
    }

    /** Each marked block that is not its example's code: where it is, and the first line that differs. */
    static List<String> drift(List<Block> blocks, Path root) {
        List<String> drift = new ArrayList<>();
        for (Block block : blocks) {
            if (block.file() == null) {
                continue;
            }
            String name = block.file() + (block.region() == null ? "" : "#" + block.region());
            if (!Files.isRegularFile(root.resolve(block.file()))) {
                drift.add(block.where() + ": names " + block.file() + ", which is not a file of the repository");
                continue;
            }
            String expected = content(root.resolve(block.file()), block.region());
            if (!expected.equals(block.text())) {
                List<String> want = expected.lines().toList();
                List<String> got = block.text().lines().toList();
                int line = 0;
                while (line < Math.min(want.size(), got.size()) && want.get(line).equals(got.get(line))) {
                    line++;
                }
                drift.add(block.where() + ": differs from " + name + " at its line " + (line + 1) + ": expected '"
                        + (line < want.size() ? want.get(line) : "(end)") + "', got '" + (line < got.size() ? got.get(line) : "(end)") + "'");
            }
        }
        return drift;
    }

    private static List<Block> blocks(String guide) throws IOException {
        return parse(guide, Files.readString(GeneratedFilesTest.repositoryRoot().resolve(guide), StandardCharsets.UTF_8));
    }

    /** The fenced blocks of a Markdown text, each with the marker on the line before its fence (blank lines between allowed). */
    static List<Block> parse(String guide, String markdown) {
        List<String> lines = markdown.replace("\r\n", "\n").lines().toList();
        List<Block> blocks = new ArrayList<>();
        Matcher pending = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Matcher marker = MARKER.matcher(line);
            Matcher fence = FENCE.matcher(line);
            if (marker.matches()) {
                pending = marker;
            } else if (fence.matches()) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                String indent = lines.get(i).substring(0, lines.get(i).indexOf('`'));
                String text = String.join("\n", lines.subList(start, Math.min(end, lines.size())).stream()
                        .map(body -> body.startsWith(indent) ? body.substring(indent.length()) : body).toList());
                blocks.add(new Block(guide, i + 1, fence.group(1), text,
                        pending == null ? null : pending.group(1), pending == null ? null : pending.group(2)));
                pending = null;
                i = end;
            } else if (!line.isEmpty()) {
                pending = null;
            }
        }
        return blocks;
    }

    /** The file's text (without its last line break), or its region's lines without the common indentation. */
    static String content(Path file, String region) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
            return region == null ? text.stripTrailing() : region(text, region, file.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String region(String text, String region, String file) {
        List<String> lines = text.lines().toList();
        int start = lines.indexOf(lines.stream().filter(line -> line.strip().endsWith("tag::" + region + "[]")).findFirst()
                .orElseThrow(() -> new AssertionError("No region '" + region + "' (tag::" + region + "[]) in " + file)));
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).strip().endsWith("end::" + region + "[]")) {
            end++;
        }
        List<String> body = lines.subList(start + 1, end).stream().filter(line -> !TAG.matcher(line).matches()).toList();
        int indent = body.stream().filter(line -> !line.isBlank()).mapToInt(line -> line.length() - line.stripLeading().length())
                .min().orElse(0);
        return String.join("\n", body.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList());
    }
}
