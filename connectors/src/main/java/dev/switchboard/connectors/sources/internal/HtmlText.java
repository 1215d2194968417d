package dev.switchboard.connectors.sources.internal;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The readable text of an HTML mail body: paragraphs, line breaks and list items kept as lines;
 * scripts, styles and markup dropped; entities decoded. Uses jsoup's HTML5 parser, because mail HTML
 * is rarely well formed and a tag-stripping regex gets entities, comments and unclosed tags wrong.
 */
public final class HtmlText {

    private static final Set<String> BLOCKS = Set.of("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
            "table", "tr", "blockquote", "pre", "hr", "section", "article", "header", "footer", "address", "dl", "dt", "dd",
            "form", "fieldset", "figure", "main", "nav", "aside");
    private static final Set<String> SKIPPED = Set.of("script", "style", "head", "noscript", "template", "title");

    private HtmlText() {
    }

    public static String toText(String html) {
        if (html == null || html.isBlank()) {
            return "";
        }
        Element body = Jsoup.parse(html).body();
        body.select(String.join(",", SKIPPED)).remove();
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    boolean preformatted = text.parent() != null && text.parent().closest("pre") != null;
                    String value = preformatted ? text.getWholeText() : text.text().replaceAll("\\s+", " ");
                    if (!preformatted && (out.isEmpty() || out.charAt(out.length() - 1) == '\n')) {
                        value = value.stripLeading();
                    }
                    out.append(value);
                } else if (node instanceof Element element) {
                    String tag = element.normalName();
                    if (tag.equals("br")) {
                        trimTrailingSpaces(out);
                        out.append('\n');
                    } else if (BLOCKS.contains(tag)) {
                        newline(out);
                        if (tag.equals("li")) {
                            out.append("- ");
                        }
                    } else if ((tag.equals("td") || tag.equals("th")) && element.elementSiblingIndex() > 0) {
                        out.append('\t');
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element element && BLOCKS.contains(element.normalName())) {
                    newline(out);
                }
            }
        }, body);
        return out.toString().replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }

    private static void newline(StringBuilder out) {
        trimTrailingSpaces(out);
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }

    private static void trimTrailingSpaces(StringBuilder out) {
        while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
    }
}
