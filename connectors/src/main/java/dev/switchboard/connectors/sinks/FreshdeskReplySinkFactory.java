package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpCredentials;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/**
 * Makes {@link FreshdeskReplySink}s: a reply (emailed to the requester) or a private note on a Freshdesk
 * ticket per task.
 */
public final class FreshdeskReplySinkFactory extends CrmSinkFactory<FreshdeskReplySinkFactory.Options> {

    public FreshdeskReplySinkFactory() {
        super(Options.class, HelpdeskAccount.BASE_URL, options -> options.account().baseUrl(), FreshdeskReplySink::new);
    }

    @Documentation(name = "freshdesk-reply",
            summary = "Posts the task's body on a Freshdesk ticket as a reply or a private note; exactly once by looking for the task id first.",
            description = """
                    Posts on the ticket in the task field `freshdesk_ticket_id`: a reply (`POST /api/v2/tickets/{id}/reply`, \
                    emailed to the requester) when the task field `public` is `true`, else a private note \
                    (`POST /api/v2/tickets/{id}/notes` with `private: true`). `body` → `body` as escaped HTML, line breaks kept, \
                    ending with a line `Ref: <task id>`.

                    Exactly once: Freshdesk has neither an idempotency key nor a conditional update, so the task id is \
                    written into the comment itself, the one place that is created together with it. Before posting, \
                    the sink lists the ticket's conversations (`GET /api/v2/tickets/{id}/conversations`, 100 a page) and \
                    looks for the task id: found means delivered. The reference line is visible to the requester in a \
                    reply, as ticket references in support emails are. `deduplicate: false` skips the look-up, for \
                    tickets with very long conversations where a rare duplicate is cheaper.

                    Setup: an agent's API key (Profile settings → View API key) in `token_env` or `token_file`, sent as \
                    Basic authentication with the key as user name and `X` as password; the helpdesk host \
                    (`acme.freshdesk.com`) in `outbound.allowed_hosts`.""")
    @Example(title = "Replies and notes on Freshdesk tickets", yaml = """
            freshdesk-replies:
              freshdesk-reply:
                base_url: https://northwind.freshdesk.com
                token_env: FRESHDESK_API_KEY
            """)
    public record Options(
            @OptionGroup HelpdeskAccount account,
            @Option(description = "Look for the task id among the ticket's conversations before posting, so a redelivered task is not posted twice.",
                    defaultValue = "true")
            Boolean deduplicate,
            @OptionGroup HttpTimeout timeout) implements CrmOptions {

        @Override
        public HttpCredentials credentials() {
            return account.credentials();
        }
    }
}
