package dev.switchboard.workflows.runtime;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a consumer group consumes: it is stable and its members hold every partition of its topic.
 * Until then a new group has no position, and "ready" would be a promise nobody keeps yet.
 */
public final class GroupAssignments {

    private GroupAssignments() {
    }

    /**
     * True when {@code group} is stable and its members together are assigned every partition of {@code topic};
     * false as well when Kafka does not answer both questions within {@code timeout} in all.
     */
    public static boolean covers(Admin admin, String group, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(remaining(deadline), TimeUnit.NANOSECONDS).get(group);
            if (description == null || description.groupState() != GroupState.STABLE) {
                return false;
            }
            TopicDescription topicDescription = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(remaining(deadline), TimeUnit.NANOSECONDS).get(topic);
            Set<TopicPartition> assigned = new HashSet<>();
            for (MemberDescription member : description.members()) {
                assigned.addAll(member.assignment().topicPartitions());
            }
            return topicDescription.partitions().stream().allMatch(p -> assigned.contains(new TopicPartition(topic, p.partition())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
