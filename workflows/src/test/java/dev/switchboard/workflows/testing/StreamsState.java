package dev.switchboard.workflows.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The internal topics of a Kafka Streams stage on the shared broker. A stage's application id is fixed
 * (e.g. {@code switchboard.crm}), so an engine restores its tables from the changelogs an earlier test
 * left there; a test whose rows clash with another's (the same CRM domains under other ids) forgets them first.
 */
public final class StreamsState {

    private StreamsState() {
    }

    /** Deletes every internal topic of the application ({@code <application>-...}) and waits until they are gone. */
    public static void forget(String bootstrapServers, String application) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> topics = internalTopics(admin, application);
            if (topics.isEmpty()) {
                return;
            }
            admin.deleteTopics(topics).all().get();
            // deletion finishes after the call returns; Streams cannot recreate a topic still being deleted
            await().atMost(Duration.ofSeconds(30)).until(() -> internalTopics(admin, application).isEmpty());
        }
    }

    private static Set<String> internalTopics(Admin admin, String application) throws ExecutionException, InterruptedException {
        return admin.listTopics().names().get().stream().filter(name -> name.startsWith(application + "-")).collect(Collectors.toSet());
    }
}
