package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.attachment.AttachmentText;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.util.ArrayList;
import java.util.List;

/**
 * The factories of webhook sources that receive mail: beyond every webhook's checks, those of which
 * attachments' text is read.
 *
 * @param <O> the vendor's options record
 */
abstract class MailWebhookSourceFactory<O extends Record & MailWebhookSourceFactory.MailOptions> extends WebhookSourceFactory<O> {

    /** What the options of a mail webhook have besides every webhook's. */
    interface MailOptions extends WebhookSourceOptions {
        AttachmentText attachments();
    }

    MailWebhookSourceFactory(Class<O> optionsType, WebhookVendor vendor, Constructor<O> constructor) {
        super(optionsType, vendor, constructor);
    }

    @Override
    public List<OptionProblem> check(O options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(super.check(options, environment));
        problems.addAll(options.attachments().check());
        return problems;
    }
}
