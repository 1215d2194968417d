package dev.switchboard.llm.steps.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How a folder of Markdown articles is read: which files are articles, how their bytes become text, and how
 * a text is cut into passages for retrieval. Every article is read whatever its encoding and size, so one odd
 * file never stops a knowledge base; what was odd is said in a warning.
 */
final class ArticleFiles {

    /** Bytes read of one article; the rest is left out, with a warning. Keeps embedding a folder bounded. */
    static final int MAX_BYTES = 256 * 1024;
    /** Passages are at most about this long: the embedding model reads only the first 256 tokens of a text. */
    static final int PASSAGE_CHARS = 800;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** What a file looked like when it was listed: enough to notice that it changed. */
    record Stamp(long size, long modifiedMillis) {
    }

    /** An article's text and the warning its reading gave, or null. */
    record Read(String text, String warning) {
    }

    private ArticleFiles() {
    }

    /** The article files of a folder by file name: every {@code *.md} but the folder's own {@code README.md}. */
    static Map<String, Stamp> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("not a folder: " + folder);
        }
        Map<String, Stamp> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path file : entries.toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".md") || name.toLowerCase(Locale.ROOT).equals("readme.md")) {
                    continue;
                }
                if (Files.isSymbolicLink(file)) {
                    // the folder is checked to be where workflows may read; a link in it could lead anywhere
                    throw new IOException("article " + name + " is a symbolic link; copy the article into the folder");
                }
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                files.put(name, new Stamp(attributes.size(), attributes.lastModifiedTime().toMillis()));
            }
        }
        return files;
    }

    /** An article's text: UTF-8 (a byte-order mark dropped), else UTF-16 with a byte-order mark, else windows-1252. */
    static Read read(Path file) throws IOException {
        byte[] bytes;
        boolean cut;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES);
            cut = in.read() >= 0;
        }
        String name = file.getFileName().toString();
        String warning = cut ? name + " is longer than " + MAX_BYTES + " bytes: only its beginning is used. Split it into several articles"
                : null;
        String utf8 = utf8(bytes, cut);
        if (utf8 != null) {
            return new Read(utf8.startsWith("\uFEFF") ? utf8.substring(1) : utf8, warning);
        }
        boolean utf16 = bytes.length >= 2 && (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF || bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE);
        Charset charset = utf16 ? StandardCharsets.UTF_16 : WINDOWS_1252;
        String notUtf8 = name + " is not UTF-8: read as " + charset.name() + ". Save it as UTF-8";
        return new Read(new String(bytes, charset), warning == null ? notUtf8 : warning + "; " + notUtf8);
    }

    /** The bytes as strict UTF-8, or null when they are not; a sequence cut by the size limit at the very end is dropped. */
    private static String utf8(byte[] bytes, boolean cut) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, !cut);
        if (result.isError()) {
            return null;
        }
        if (!cut) {
            try {
                CoderResult flushed = decoder.flush(out);
                if (flushed.isError()) {
                    flushed.throwException();
                }
            } catch (CharacterCodingException e) {
                return null;
            }
        }
        return out.flip().toString();
    }

    /** The title: the first heading's text, else the id. */
    static String title(String text, String id) {
        return text.lines().filter(line -> line.startsWith("#")).findFirst()
                .map(line -> line.replaceFirst("^#+\\s*", "").strip()).filter(title -> !title.isEmpty()).orElse(id);
    }

    /**
     * The text cut into passages of about {@link #PASSAGE_CHARS}: whole paragraphs where they fit, a longer
     * paragraph at sentence ends, a longer sentence at spaces, a text without spaces anywhere.
     */
    static List<String> passages(String text) {
        List<String> pieces = new ArrayList<>();
        for (String paragraph : text.split("\\n\\s*\\n")) {
            String stripped = paragraph.strip();
            if (!stripped.isEmpty()) {
                pieces.addAll(split(stripped));
            }
        }
        List<String> passages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String piece : pieces) {
            if (current.length() > 0 && current.length() + piece.length() + 1 > PASSAGE_CHARS) {
                passages.add(current.toString());
                current.setLength(0);
            }
            current.append(current.length() == 0 ? "" : "\n").append(piece);
        }
        if (current.length() > 0 || passages.isEmpty()) {
            passages.add(current.toString());
        }
        return passages;
    }

    private static List<String> split(String paragraph) {
        if (paragraph.length() <= PASSAGE_CHARS) {
            return List.of(paragraph);
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (paragraph.length() - start > PASSAGE_CHARS) {
            int end = lastBreak(paragraph, start, start + PASSAGE_CHARS);
            parts.add(paragraph.substring(start, end).strip());
            start = end;
        }
        parts.add(paragraph.substring(start).strip());
        parts.removeIf(String::isEmpty);
        return parts;
    }

    /** Where to cut within {@code (start, limit]}: after the last sentence end, else at the last space, else at the limit. */
    private static int lastBreak(String text, int start, int limit) {
        int space = -1;
        for (int i = limit - 1; i > start + PASSAGE_CHARS / 4; i--) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                char before = text.charAt(i - 1);
                if (before == '.' || before == '!' || before == '?') {
                    return i + 1;
                }
                if (space < 0) {
                    space = i + 1;
                }
            }
        }
        return space > 0 ? space : limit;
    }
}
