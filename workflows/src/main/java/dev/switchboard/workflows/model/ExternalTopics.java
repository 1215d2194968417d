package dev.switchboard.workflows.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The topics that carry events from outside (a webhook anyone holding its secret can call, a mailbox anyone
 * can write to), each with what writes it: such events are untrusted input, whatever their type says.
 *
 * @param writers by topic, e.g. {@code switchboard.events -> [source 'zendesk-tickets' (zendesk)]}
 */
public record ExternalTopics(Map<String, List<String>> writers) {

    public ExternalTopics {
        Map<String, List<String>> copy = new TreeMap<>();
        writers.forEach((topic, names) -> copy.put(topic, List.copyOf(names)));
        writers = Collections.unmodifiableMap(copy);
    }

    /** What writes events from outside to this topic, when anything does. */
    public Optional<List<String>> writersOf(String topic) {
        return Optional.ofNullable(writers.get(topic));
    }

    /** The warning for a reader of such a topic at {@code path}: what writes it and why that matters to {@code reader}. */
    public Optional<String> warning(String topic, String path, String reader) {
        return writersOf(topic).map(names -> "Topic written from outside at " + path + ": got '" + topic + "', which "
                + String.join(" and ", names) + " writes with events from outside. " + reader);
    }
}
