package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import java.util.Locale;
import java.util.Optional;

/**
 * What a helpdesk reply sink reads from a task: the ticket (a task field named after the helpdesk), whether
 * the requester sees the comment (task field {@code public}; absent is private, so a public reply is always
 * asked for), and its text (the task's body).
 *
 * @param visibleToRequester true for a public reply, false for a private note to agents
 */
record HelpdeskReply(long ticketId, boolean visibleToRequester, String text) {

    /** The task field that makes a comment public. */
    static final String PUBLIC = "public";

    /** Why the task cannot be a reply, saying which field to fix; null when it can. */
    static DeliveryResult.Rejected problem(Task task, String ticketField) {
        Optional<String> ticket = TaskMapping.field(task, ticketField);
        if (ticket.isEmpty()) {
            return new DeliveryResult.Rejected("Task field " + ticketField + " is missing, expected the id of the "
                    + "ticket to reply to. Set it in the task step, e.g. " + ticketField + ": \"{{ event.data.ticket_id }}\"");
        }
        Optional<Long> id = TaskMapping.wholeNumberField(task, ticketField);
        if (id.isEmpty()) {
            return new DeliveryResult.Rejected("Task field " + ticketField + " must be a ticket id (a whole number), got '"
                    + HttpDelivery.abbreviate(ticket.get()) + "'. Fix the step that sets it");
        }
        String visibility = TaskMapping.field(task, PUBLIC).orElse("false").toLowerCase(Locale.ROOT);
        if (!visibility.equals("true") && !visibility.equals("false")) {
            return new DeliveryResult.Rejected("Task field public must be true or false, got '"
                    + HttpDelivery.abbreviate(visibility) + "'. Fix the step that sets it");
        }
        if (task.body() == null || task.body().isBlank()) {
            return new DeliveryResult.Rejected("Task " + task.id() + " has no body: nothing to post on ticket " + id.get()
                    + ". Give the task step a body, e.g. body: \"{{ steps.reply.draft }}\"");
        }
        return null;
    }

    /** The reply of a task that has no {@link #problem}. */
    static HelpdeskReply of(Task task, String ticketField) {
        boolean visible = TaskMapping.field(task, PUBLIC).map(value -> value.equalsIgnoreCase("true")).orElse(false);
        return new HelpdeskReply(TaskMapping.wholeNumberField(task, ticketField).orElseThrow(), visible, task.body().strip());
    }

    /** How a delivered comment is named in a receipt. */
    String kind() {
        return visibleToRequester ? "public reply" : "private note";
    }
}
