package dev.switchboard.connectors.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The promises every sink keeps, proved for each by extending this class: the destination takes the
 * task id as the task's idempotency key, every time the task is delivered; a failure comes back as
 * {@link DeliveryResult.Retry} or {@link DeliveryResult.Rejected}, never as an exception; and no
 * secret of the sink's configuration appears in a reason or a log line. The sink is made by its
 * factory from options bound from YAML by the engine's binder. Sinks that speak HTTP prove more in
 * {@link AbstractHttpTaskSinkContractTest}.
 *
 * @param <O> the sink's options record
 */
public abstract class AbstractTaskSinkContractTest<O extends Record> {

    @TempDir
    protected Path dir;

    protected TaskSink sink;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger switchboard = (Logger) LoggerFactory.getLogger("dev.switchboard");

    /** The factory of the sink under contract. */
    protected abstract SinkFactory<O> factory();

    /** The sink's options as YAML. */
    protected abstract String options();

    /** What the engine offers the sink: its folder, the hosts it may call, its secrets. */
    protected abstract SinkEnvironment environment();

    /** What the destination took as the idempotency key of each delivery it received, in the order received. */
    protected abstract List<String> idempotencyKeysReceived();

    /** Makes the destination fail from now on, as it does when it is down. */
    protected abstract void breakDestination();

    /** The secret values the sink's configuration holds or names. */
    protected abstract Set<String> secrets();

    @BeforeEach
    void createSink() {
        logs.start();
        switchboard.setLevel(Level.TRACE);
        switchboard.addAppender(logs);
        O bound = YamlOptions.bind(factory().optionsType(), options());
        assertOptionsPassChecks(factory().check(bound, environment()));
        sink = factory().create("contract", bound, environment());
    }

    @AfterEach
    void closeSink() {
        sink.close();
        switchboard.detachAppender(logs);
        switchboard.setLevel(null);
    }

    @Test
    void should_give_the_destination_the_task_id_as_its_idempotency_key_when_a_task_is_delivered() {
        // given
        Task task = task("evt-contract-1");

        // when
        DeliveryResult result = sink.deliver(task);

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(idempotencyKeysReceived()).containsExactly(task.id());
    }

    @Test
    void should_report_delivered_under_the_same_key_when_a_task_is_delivered_again() {
        // given
        Task task = task("evt-contract-2");
        sink.deliver(task);

        // when
        DeliveryResult again = sink.deliver(task);

        // then
        assertThat(again).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(idempotencyKeysReceived()).isNotEmpty().containsOnly(task.id());
    }

    @Test
    void should_return_retry_or_rejected_with_a_reason_when_the_destination_fails() {
        // given
        breakDestination();

        // when
        DeliveryResult result = sink.deliver(task("evt-contract-3"));

        // then
        assertThat(result).isInstanceOfAny(DeliveryResult.Retry.class, DeliveryResult.Rejected.class);
        assertThat(reason(result)).isNotBlank();
    }

    @Test
    void should_keep_every_secret_out_of_reasons_and_log_lines_when_deliveries_succeed_and_fail() {
        // given
        List<DeliveryResult> results = new ArrayList<>();
        results.add(sink.deliver(task("evt-contract-4")));
        breakDestination();

        // when
        results.add(sink.deliver(task("evt-contract-5")));

        // then
        assertThat(secrets()).as("the secrets this contract looks for").allSatisfy(secret -> assertThat(secret).isNotBlank());
        assertThat(results).allSatisfy(result -> assertNoSecret(reason(result)));
        assertNoSecretLogged();
    }

    /** The contract's options are valid: the factory finds no problem with them. */
    protected void assertOptionsPassChecks(List<OptionProblem> problems) {
        assertThat(problems).as("problems of the contract's options").isEmpty();
    }

    /**
     * A task as a workflow makes it, for a given event. A sink that needs a field of its own (the helpdesk
     * ticket a reply goes to) overrides this and adds it.
     */
    protected Task task(String eventId) {
        return new Task(Task.idFor("ticket-triage", "/test", eventId, "create-task"), "ticket-triage", "create-task", "crm",
                eventId, "ticket.created", "Refund request for order 1234", "Customer asks for a refund.\nOrder <1234>", "high",
                "2026-11-03", null, Map.of("label", "billing", "confidence", 0.92), null, "2026-11-02T09:00:00Z");
    }

    protected static String reason(DeliveryResult result) {
        if (result instanceof DeliveryResult.Delivered delivered) {
            return delivered.detail();
        }
        if (result instanceof DeliveryResult.Retry retry) {
            return retry.reason();
        }
        return ((DeliveryResult.Rejected) result).reason();
    }

    protected void assertNoSecret(String text) {
        for (String secret : secrets()) {
            assertThat(text).doesNotContain(secret);
        }
    }

    protected void assertNoSecretLogged() {
        assertThat(logs.list).allSatisfy(event -> assertNoSecret(event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))));
    }
}
