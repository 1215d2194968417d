package dev.switchboard.llm.steps.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A step's prompt template as a file: the bundled one ({@code prompts/<name>.md} on the classpath) or a
 * workflow's own ({@code prompt_file:}). The text is the file's content less one final line break, so a
 * bundled file holds exactly the text the prompt version has always hashed.
 *
 * @param source where the text comes from: {@code bundled:prompts/score.system.md}, or the file as written in the workflow
 * @param text   the template, with its {@code {{placeholders}}}
 */
public record PromptTemplate(String source, String text) {

    /** The bundled template {@code prompts/<name>.md}. */
    public static PromptTemplate bundled(String name) {
        String resource = "prompts/" + name + ".md";
        try (InputStream in = PromptTemplate.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The bundled prompt " + resource + " is missing from the classpath");
            }
            return new PromptTemplate("bundled:" + resource, text(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the bundled prompt " + resource, e);
        }
    }

    /** The workflow's {@code prompt_file} (resolved against {@code baseDir}) when it names one, else the bundled {@code name}. */
    public static PromptTemplate of(String name, String promptFile, Path baseDir) {
        if (promptFile == null) {
            return bundled(name);
        }
        try {
            return new PromptTemplate(promptFile, text(Files.readString(baseDir.resolve(promptFile), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read prompt_file " + promptFile, e);
        }
    }

    /** Line breaks as {@code \n}, less one final line break: editors add one, the prompt never had it. */
    static String text(String content) {
        String unix = content.replace("\r\n", "\n");
        return unix.endsWith("\n") ? unix.substring(0, unix.length() - 1) : unix;
    }
}
