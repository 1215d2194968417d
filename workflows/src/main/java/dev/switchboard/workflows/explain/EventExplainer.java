package dev.switchboard.workflows.explain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.DeadLetters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Tells what happened to one event: reads the topics between {@code since} and now (the events
 * topics, the step trace, audit, tasks, receipts, reviews and dead letters) and puts the records
 * together as the event's path through each workflow that reads it: trigger, filter, each step's
 * outcome and output with its model calls, tasks and their deliveries, reviews and dead letters.
 * The filter and the {@code when} of steps that left no record are evaluated now, on the workflows
 * as loaded, against the event and the outputs its trace recorded: that is how a step that did not
 * run is told apart from one that has not run yet.
 */
public final class EventExplainer {

    /** Where workflows read when they name no topic. */
    static final String DEFAULT_EVENTS_TOPIC = "switchboard.events";

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final Topics topics;
    private final List<Workflow> workflows;

    public EventExplainer(String bootstrapServers, Map<String, String> clientProperties, Topics topics, List<Workflow> workflows) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
        this.topics = topics;
        this.workflows = List.copyOf(workflows);
    }

    /** The event's path, from the records written since {@code since}. */
    public Explanation explain(String eventId, Instant since) {
        Set<String> eventTopics = new LinkedHashSet<>();
        workflows.forEach(workflow -> eventTopics.add(workflow.on().topic()));
        if (eventTopics.isEmpty()) {
            eventTopics.add(DEFAULT_EVENTS_TOPIC);
        }
        EventRecords records;
        try (TopicScan scan = new TopicScan(bootstrapServers, clientProperties)) {
            records = new EventRecords(scan, topics, eventTopics, workflows, eventId, since);
        }
        List<Explanation.Published> published = new ArrayList<>();
        JsonNode event = null;
        String eventTopic = null;
        for (ConsumerRecord<byte[], byte[]> record : records.events) {
            JsonNode node = EventRecords.json(record.value());
            if (event == null) {
                event = node;
                eventTopic = record.topic();
            }
            published.add(new Explanation.Published("event", record.topic(), record.partition(),
                    record.offset(), Instant.ofEpochMilli(record.timestamp()).toString(), node.path("type").asText(null),
                    node.path("source").asText(null), node.path("subject").asText(null), EventRecords.text(record.key())));
        }
        Map<String, Object> eventMap = event == null ? null : JsonValues.toMap(event);
        List<Explanation.WorkflowPath> paths = new ArrayList<>();
        Set<ConsumerRecord<byte[], byte[]>> claimed = new java.util.HashSet<>();
        for (Workflow workflow : workflows) {
            WorkflowPaths path = new WorkflowPaths(workflow, records, eventMap, eventTopic, since);
            claimed.addAll(path.claimedDeadLetters());
            if (path.concerned()) {
                paths.add(path.build());
            }
        }
        List<Explanation.DeadLetter> unclaimed = records.deadLetters.stream().filter(record -> !claimed.contains(record))
                .map(EventExplainer::deadLetter).toList();
        return new Explanation(eventId, since.toString(), records.scanned, published, paths, unclaimed);
    }

    static Explanation.DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        return new Explanation.DeadLetter(EventRecords.header(record, DeadLetters.STAGE), EventRecords.header(record, DeadLetters.STEP),
                EventRecords.header(record, DeadLetters.REASON), EventRecords.header(record, DeadLetters.TIME), record.topic(),
                record.partition(), record.offset());
    }
}
