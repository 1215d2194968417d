package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes {@link QuillSource}s: conversation webhooks of Quill, an imaginary helpdesk that signs them with
 * Standard Webhooks. The example of {@code docs/adding-a-source.md}.
 */
public final class QuillSourceFactory extends WebhookSourceFactory<QuillSourceFactory.Options> {

    private static final Pattern INBOX_ID = Pattern.compile("inb_[a-z0-9]{6,32}");

    public QuillSourceFactory() {
        super(Options.class, QuillSource.WEBHOOK, QuillSource::new);
    }

    @Documentation(name = "quill", summary = "Receives Quill conversation webhooks as ticket.created and ticket.updated events.",
            description = """
                    Reads `conversation.created` (published as `ticket.created`) and `conversation.updated` \
                    (`ticket.updated`); other event types are answered 200 and ignored. The Quill event id becomes the \
                    CloudEvent id, so a redelivery is the same event. Authentication: `standard-webhooks` (the default; \
                    Quill signs every delivery with the endpoint's `whsec_` secret) or `shared-secret`.""")
    @Example(title = "Quill conversations of two inboxes", yaml = """
            quill-conversations:
              quill:
                inboxes: [inb_4f2a9c, inb_77d01e]
                auth:
                  secret_env: QUILL_WEBHOOK_SECRET
            """)
    public record Options(
            @Option(description = "Quill inbox ids whose conversations are published; unset publishes every inbox.")
            List<String> inboxes,
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/quill"))
            WebhookListener.Json listener) implements WebhookSourceOptions {
    }

    @Override
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(super.check(options, environment));
        List<String> inboxes = options.inboxes() == null ? List.of() : options.inboxes();
        for (int i = 0; i < inboxes.size(); i++) {
            if (!INBOX_ID.matcher(inboxes.get(i)).matches()) {
                problems.add(OptionProblem.at("inboxes[" + i + "]", "Invalid inbox id").got(inboxes.get(i))
                        .expected("a Quill inbox id such as inb_4f2a9c").fix("Copy it from the inbox's settings in Quill"));
            }
        }
        return problems;
    }
}
