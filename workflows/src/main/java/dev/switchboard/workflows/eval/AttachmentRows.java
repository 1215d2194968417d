package dev.switchboard.workflows.eval;

import dev.switchboard.connectors.sources.Email;
import dev.switchboard.connectors.sources.attachment.AttachmentReader;
import dev.switchboard.connectors.sources.attachment.AttachmentText;
import dev.switchboard.schemas.JsonValues;
import java.io.IOException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows that name a document become the {@code email.received} event a mail source publishes for a message with that
 * document attached: its text read by the same {@link AttachmentReader}, with the same caps and the same
 * {@code extraction} outcomes (an encrypted or image-only PDF has no text, as live). So an extract step over PDFs is
 * evaluated on exactly the text it would see, and the workflow's filter and conditions on attachments apply.
 *
 * <p>The row's {@code from} and {@code subject} fields, where present, are the message's; its {@code expected} stays
 * beside the event for scoring.
 */
public final class AttachmentRows {

    private AttachmentRows() {
    }

    /**
     * @param column the field that names each row's file, relative to {@code folder} (the dataset's)
     */
    public static Dataset attach(Dataset dataset, String column, Path folder) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>(dataset.rows().size());
        try (AttachmentReader reader = new AttachmentReader(AttachmentText.defaults())) {
            for (int i = 0; i < dataset.rows().size(); i++) {
                Map<String, Object> row = dataset.rows().get(i);
                Object name = Dataset.value(row, column);
                Path file = name == null ? null : folder.resolve(name.toString()).normalize();
                if (file == null || !Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("No file at " + column + " of row " + (i + 1) + " of " + dataset.name() + ": got '" + name
                            + "', expected the name of a file beside the dataset (" + folder + "). Name the column with --attachment-column");
                }
                rows.add(event(row, file, reader));
            }
        }
        return new Dataset(dataset.name(), rows);
    }

    private static Map<String, Object> event(Map<String, Object> row, Path file, AttachmentReader reader) throws IOException {
        String fileName = file.getFileName().toString();
        byte[] content = Files.readAllBytes(file);
        String type = URLConnection.guessContentTypeFromName(fileName);
        Email.Attachment attachment = Email.Attachment.posted(reader, reader.budget(), fileName, type == null ? "application/octet-stream" : type,
                content);
        // the message id is the file's, so each row is its own message (the event id is derived from it)
        Email email = new Email("<" + fileName + "@switchboard.eval>", null, null, text(row.get("from")), List.of(), List.of(),
                text(row.get("subject")), "", null, List.of(attachment));
        Map<String, Object> event = new LinkedHashMap<>(JsonValues.toMap(email.toEvent("eval").event()));
        if (row.containsKey("expected")) {
            event.put("expected", row.get("expected"));
        }
        return event;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
