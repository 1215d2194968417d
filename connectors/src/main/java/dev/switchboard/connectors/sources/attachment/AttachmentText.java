package dev.switchboard.connectors.sources.attachment;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Which attachments of an inbound email have their text carried in the event, and the caps that keep
 * a hostile file from costing more than a bounded share of memory and time. Declared once for every
 * mail source (IMAP, SendGrid, Mailgun).
 */
public record AttachmentText(
        @Option(description = "Media types whose text is carried in the event (`text` of the attachment): `application/pdf` "
                + "(the PDF's text layer, read with Apache PDFBox) and text types; `text/*` matches every text type. A file "
                + "sent as `application/octet-stream` counts as a PDF when its content starts with `%PDF-`. An empty list "
                + "carries no attachment text.", defaultValue = "[application/pdf, text/*]")
        @JsonProperty("attachment_types") List<String> types,
        @Option(description = "Largest attachment read, in bytes; a larger one is described with `extraction: too_large`.",
                defaultValue = "10485760", minimum = 1024, maximum = 52428800)
        @JsonProperty("attachment_max_bytes") Integer maxBytes,
        @Option(description = "Most bytes a PDF's compressed streams may expand to, all together; a PDF past it is refused as a "
                + "decompression bomb (`extraction: too_large`) before it is parsed.", defaultValue = "67108864",
                minimum = 1048576, maximum = 536870912)
        @JsonProperty("attachment_max_decoded_bytes") Integer maxDecodedBytes,
        @Option(description = "Most PDF pages read; the text of later pages is left out (`truncated: true`).",
                defaultValue = "20", minimum = 1, maximum = 1000)
        @JsonProperty("attachment_max_pages") Integer maxPages,
        @Option(description = "Most characters of text carried per attachment; reading stops there (`truncated: true`).",
                defaultValue = "50000", minimum = 100, maximum = 200000)
        @JsonProperty("attachment_max_chars") Integer maxChars,
        @Option(description = "Most characters of attachment text carried per message, all attachments together, so an event "
                + "stays well within Kafka's message size.", defaultValue = "150000", minimum = 100, maximum = 400000)
        @JsonProperty("attachment_max_total_chars") Integer maxTotalChars,
        @Option(description = "Most seconds spent reading the attachments of one message, all together; an attachment not read "
                + "in time is described with `extraction: timeout` and the message is published without its text.",
                defaultValue = "20", minimum = 1, maximum = 300)
        @JsonProperty("attachment_timeout_seconds") Integer timeoutSeconds) {

    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/(\\*|[a-z0-9][a-z0-9!#$&^_.+-]*)");

    /** Every option at its declared default, as a configuration that leaves them out binds them. */
    public static AttachmentText defaults() {
        Problems problems = new Problems("(defaults of attachment text)");
        AttachmentText defaults = new OptionsBinder(problems, (option, value, node, path) -> { })
                .bind(AttachmentText.class, new MappingNode(Tag.MAP, List.of(), DumperOptions.FlowStyle.FLOW), "");
        if (defaults == null) {
            throw new IllegalStateException("AttachmentText has no default for every option: " + problems.list());
        }
        return defaults;
    }

    /** No attachment text at all: attachments are described only. */
    public static AttachmentText none() {
        AttachmentText defaults = defaults();
        return new AttachmentText(List.of(), defaults.maxBytes, defaults.maxDecodedBytes, defaults.maxPages, defaults.maxChars,
                defaults.maxTotalChars, defaults.timeoutSeconds);
    }

    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** Media types that are not {@code type/subtype} or {@code type/*}, and a per-attachment cap above the per-message one. */
    public List<OptionProblem> check() {
        List<OptionProblem> problems = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            if (type == null || !MEDIA_TYPE.matcher(type).matches()) {
                problems.add(OptionProblem.at("attachment_types[" + i + "]", "Invalid media type").got(type)
                        .expected("a lowercase media type such as application/pdf, or text/* for every text type"));
            }
        }
        if (maxChars > maxTotalChars) {
            problems.add(OptionProblem.at("attachment_max_chars", "Cap above the message's cap").got(maxChars)
                    .expected("at most attachment_max_total_chars (" + maxTotalChars + ")"));
        }
        return problems;
    }
}
