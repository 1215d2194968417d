package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import dev.switchboard.workflows.ops.DeadLetterBox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /console/dead-letters}: the latest dead letters grouped by reason, with their bytes; operators re-drive chosen ones. */
public final class DeadLetterPage implements ConsolePage {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPage.class);
    private static final int SMALL = 64 * 1024;
    private static final int LIMIT = 200;

    /** Dead letters that share a reason. */
    public record Group(String reason, List<DeadLetterBox.DeadLetter> letters) {
    }

    private final DeadLetterBox box;

    public DeadLetterPage(DeadLetterBox box) {
        this.box = box;
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console/dead-letters", SMALL, console.page(Role.VIEWER, (request, session) ->
                console.render(request, session, "dead-letters", "letters", Map.of("groups", groups(), "message", ""))));
        http.route("/console/dead-letters/redrive", SMALL, console.change(Role.OPERATOR, (request, session) ->
                redrive(console, request, session)));
    }

    private Response redrive(Console console, ConsoleRequest request, ConsoleSessions.Session session) throws Exception {
        List<DeadLetterBox.TopicPartitionOffset> wanted = new ArrayList<>();
        for (String chosen : request.fields("record")) {
            String[] parts = chosen.split(":");
            try {
                wanted.add(new DeadLetterBox.TopicPartitionOffset(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                return ConsolePages.plain(400, "Bad record at record: got '" + chosen + "', expected partition:offset");
            }
        }
        String message;
        if (wanted.isEmpty()) {
            message = "Choose the dead letters to re-drive first";
        } else {
            List<String> lines = new ArrayList<>();
            for (DeadLetterBox.Redrive result : box.redrive(wanted)) {
                if (result.redriven()) {
                    LOG.info("Console: dead letter {}:{} re-driven to {} by '{}'", result.partition(), result.offset(), result.topic(),
                            session.user().name());
                }
                lines.add(result.partition() + ":" + result.offset() + (result.redriven() ? " re-driven to " + result.topic()
                        : " not re-driven: " + result.error()));
            }
            message = String.join("; ", lines);
        }
        return console.render(request, session, "dead-letters", "letters", Map.of("groups", groups(), "message", message));
    }

    private List<Group> groups() {
        Map<String, List<DeadLetterBox.DeadLetter>> byReason = new LinkedHashMap<>();
        List<DeadLetterBox.DeadLetter> latest = new ArrayList<>(box.latest(LIMIT));
        java.util.Collections.reverse(latest);
        for (DeadLetterBox.DeadLetter letter : latest) {
            byReason.computeIfAbsent(letter.reason() == null ? "(no reason given)" : letter.reason(), k -> new ArrayList<>()).add(letter);
        }
        return byReason.entrySet().stream().map(e -> new Group(e.getKey(), e.getValue())).toList();
    }
}
