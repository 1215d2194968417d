package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.HttpCredentials;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes {@link ZendeskReplySink}s: a comment on a Zendesk ticket per task, public (a reply the requester is
 * emailed) or private (a note for agents).
 */
public final class ZendeskReplySinkFactory extends CrmSinkFactory<ZendeskReplySinkFactory.Options> {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    public ZendeskReplySinkFactory() {
        super(Options.class, HelpdeskAccount.BASE_URL, options -> options.account().baseUrl(), ZendeskReplySink::new);
    }

    @Documentation(name = "zendesk-reply",
            summary = "Adds the task's body to a Zendesk ticket as a public reply or a private note; exactly once through a tag and Zendesk's safe update.",
            description = """
                    Updates the ticket in the task field `zendesk_ticket_id` (`PUT /api/v2/tickets/{id}`) with a comment: \
                    `body` → `comment.body` (plain text), public when the task field `public` is `true` (the requester is \
                    emailed), else a private note for agents. The optional task field `status` (`open`, `pending`, `hold`, \
                    `solved`) sets the ticket's status in the same update, e.g. `solved` for an auto-resolved ticket.

                    Exactly once: Zendesk's `Idempotency-Key` works only when a ticket is created, not on updates. So the \
                    sink first reads the ticket (`GET /api/v2/tickets/{id}`): when its tags hold `switchboard_<task id>` the \
                    comment is there already and the task is delivered. Otherwise it sends the comment with the tags read \
                    plus that tag, and `safe_update: true` with the ticket's `updated_at` as `updated_stamp`: Zendesk \
                    refuses the update (409) when anything changed the ticket since it was read, including a concurrent \
                    copy of the same task, and the task is tried again, reading the ticket anew. Agents see the tag; \
                    the requester does not.

                    Setup: an API token (Admin Center → Apps and integrations → Zendesk API) in `token_env` or \
                    `token_file` with the agent's `email`, sent as Basic `{email}/token:{token}`; or an OAuth access \
                    token without `email`, sent as `Bearer`. The Zendesk host in `outbound.allowed_hosts`. A closed \
                    ticket cannot be updated: Zendesk answers 422 and the task is dead-lettered with its message.""")
    @Example(title = "Replies and notes on Zendesk tickets", yaml = """
            zendesk-replies:
              zendesk-reply:
                base_url: https://northwind.zendesk.com
                email: copilot@northwind.example.com
                token_env: ZENDESK_API_TOKEN
            """)
    public record Options(
            @OptionGroup HelpdeskAccount account,
            @Option(description = "The email of the agent whose API token the token option holds, for Basic `{email}/token:{token}`; "
                    + "leave it out when the token is an OAuth access token (sent as `Bearer`).")
            String email,
            @Option(description = "The Zendesk user (an agent) the comments are posted as; by default the token's own user.", minimum = 1)
            @JsonProperty("author_id") Long authorId,
            @OptionGroup HttpTimeout timeout) implements CrmOptions {

        @Override
        public HttpCredentials credentials() {
            return account.credentials();
        }
    }

    @Override
    protected List<OptionProblem> checkOwnOptions(Options options) {
        if (options.email() == null || EMAIL.matcher(options.email()).matches()) {
            return List.of();
        }
        return List.of(OptionProblem.at("email", "Invalid email").got(options.email())
                .expected("the email address of the agent who owns the API token, e.g. copilot@example.com")
                .fix("Leave it out for an OAuth access token"));
    }
}
