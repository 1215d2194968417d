package dev.switchboard.workflows.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The production {@code logback.xml} (main resources, not the tests' one), configured as the CLI
 * starts with it, its output read back line by line.
 */
class LoggingConfigurationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code %d{HH:mm:ss.SSS} %-5level %logger{24} - %msg} and the MDC in brackets when there is any. */
    private static final Pattern TEXT_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+) +(\\S+) - (.*?)(?: \\[(.*)])?");

    /** A logger context configured from the production file with these variables, writing into {@code out}. */
    private record Configured(LoggerContext context, ByteArrayOutputStream out) {

        static Configured with(Map<String, String> variables) throws JoranException {
            URL file = LoggingConfigurationTest.class.getResource("/logback.xml");
            assertThat(file).as("the production logback.xml on the classpath").isNotNull();
            LoggerContext context = new LoggerContext();
            context.setMDCAdapter(MDC.getMDCAdapter());
            variables.forEach(context::putProperty);
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(file);
            ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
            assertThat(console.getTarget()).isEqualTo("System.err");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            console.setOutputStream(out);
            return new Configured(context, out);
        }

        Logger logger(String name) {
            return context.getLogger(name);
        }

        List<String> lines() {
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        }

        /** What logback itself said while configuring, at WARN or above: it prints them all, INFO included, when there is one. */
        List<String> complaints() {
            return context.getStatusManager().getCopyOfStatusList().stream().filter(status -> status.getLevel() >= Status.WARN)
                    .map(status -> status.getMessage() + (status.getThrowable() == null ? "" : " " + status.getThrowable())).toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "JSON", "Json"})
    void should_write_one_json_object_per_line_with_the_mdc_when_the_format_is_json_in_any_case(String format) throws Exception {
        // given
        Configured logs = Configured.with(Map.of(LogSettings.FORMAT_VARIABLE, format));

        // when
        MDC.put("workflow", "ticket-triage");
        MDC.put("event_id", "ev-1");
        try {
            logs.logger("dev.switchboard.workflows.runtime.WorkflowRunner").warn("Dead-lettered {}: {}", "ev-1", "no label");
        } finally {
            MDC.clear();
        }
        logs.logger("org.apache.kafka.clients.Metadata").warn("Broker not available");

        // then
        assertThat(logs.complaints()).isEmpty();
        assertThat(logs.lines()).hasSize(2);
        JsonNode first = JSON.readTree(logs.lines().get(0));
        assertThat(first.path("level").asText()).isEqualTo("WARN");
        assertThat(first.path("loggerName").asText()).isEqualTo("dev.switchboard.workflows.runtime.WorkflowRunner");
        assertThat(first.path("formattedMessage").asText()).isEqualTo("Dead-lettered ev-1: no label");
        assertThat(first.path("mdc").path("workflow").asText()).isEqualTo("ticket-triage");
        assertThat(first.path("mdc").path("event_id").asText()).isEqualTo("ev-1");
        assertThat(first.path("timestamp").asLong()).isPositive();
        JsonNode second = JSON.readTree(logs.lines().get(1));
        assertThat(second.path("formattedMessage").asText()).isEqualTo("Broker not available");
        assertThat(second.has("mdc") && !second.path("mdc").isEmpty()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "text", "TEXT", "Text"})
    void should_write_text_lines_with_the_mdc_in_brackets_when_the_format_is_text_or_unset(String format) throws Exception {
        // given
        Configured logs = Configured.with(format.isEmpty() ? Map.of() : Map.of(LogSettings.FORMAT_VARIABLE, format));

        // when
        MDC.put("workflow", "ticket-triage");
        try {
            logs.logger("dev.switchboard.workflows.runtime.WorkflowRunner").warn("Dead-lettered ev-1");
        } finally {
            MDC.clear();
        }
        logs.logger("dev.switchboard.workflows.runtime.Engine").error("Stopped");

        // then
        assertThat(logs.complaints()).isEmpty();
        assertThat(logs.lines()).hasSize(2);
        Matcher first = TEXT_LINE.matcher(logs.lines().get(0));
        assertThat(first.matches()).as(logs.lines().get(0)).isTrue();
        assertThat(first.group(1)).isEqualTo("WARN");
        assertThat(first.group(2)).endsWith("WorkflowRunner");
        assertThat(first.group(3)).isEqualTo("Dead-lettered ev-1");
        assertThat(first.group(4)).isEqualTo("workflow=ticket-triage");
        Matcher second = TEXT_LINE.matcher(logs.lines().get(1));
        assertThat(second.matches()).as(logs.lines().get(1)).isTrue();
        assertThat(second.group(1)).isEqualTo("ERROR");
        assertThat(second.group(3)).isEqualTo("Stopped");
        assertThat(second.group(4)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"info", "INFO", "Info"})
    void should_log_switchboard_at_the_level_set_in_any_case_and_others_at_warn(String level) throws Exception {
        // given
        Configured logs = Configured.with(Map.of(LogSettings.LEVEL_VARIABLE, level));

        // when
        logs.logger("dev.switchboard.workflows.runtime.Engine").info("Started");
        logs.logger("org.apache.kafka.clients.producer.KafkaProducer").info("Instantiated an idempotent producer");

        // then
        assertThat(logs.complaints()).isEmpty();
        assertThat(logs.logger("dev.switchboard").getLevel()).isEqualTo(Level.INFO);
        assertThat(logs.lines()).singleElement().asString().contains("INFO", "Started");
    }

    @Test
    void should_log_switchboard_at_warn_when_no_level_is_set() throws Exception {
        // given
        Configured logs = Configured.with(Map.of());

        // when
        logs.logger("dev.switchboard.workflows.runtime.Engine").info("Started");

        // then
        assertThat(logs.logger("dev.switchboard").getLevel()).isEqualTo(Level.WARN);
        assertThat(logs.lines()).isEmpty();
    }

    @Test
    void should_keep_logging_as_text_and_say_why_when_logback_meets_an_unknown_format() throws Exception {
        // given a format the CLI refuses, reaching logback another way
        Configured logs = Configured.with(Map.of(LogSettings.FORMAT_VARIABLE, "xml"));

        // when
        logs.logger("dev.switchboard.workflows.runtime.Engine").warn("Still here");

        // then
        assertThat(logs.complaints()).anySatisfy(message -> assertThat(message).contains("SWITCHBOARD_LOG_FORMAT", "'xml'"));
        assertThat(TEXT_LINE.matcher(logs.lines().get(0)).matches()).isTrue();
    }

    @Test
    void should_read_both_variables_in_any_case() {
        // when
        LogSettings settings = LogSettings.from(Map.of(LogSettings.FORMAT_VARIABLE, "Json", LogSettings.LEVEL_VARIABLE, "debug")::get);

        // then
        assertThat(settings.format()).isEqualTo(LogFormat.JSON);
        assertThat(settings.level()).isEqualTo("DEBUG");
        assertThat(LogSettings.from(name -> null)).isEqualTo(new LogSettings(LogFormat.TEXT, null));
    }

    @Test
    void should_refuse_an_unknown_format_with_the_allowed_values() {
        Map<String, String> environment = new HashMap<>(Map.of(LogSettings.FORMAT_VARIABLE, "jsonl"));

        assertThatThrownBy(() -> LogSettings.from(environment::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown log format at SWITCHBOARD_LOG_FORMAT: got 'jsonl', expected text or json."
                        + " Set it to json for one JSON object per line, or unset it for text");
    }

    @Test
    void should_refuse_an_unknown_level_with_the_allowed_values() {
        Map<String, String> environment = new HashMap<>(Map.of(LogSettings.LEVEL_VARIABLE, "verbose"));

        assertThatThrownBy(() -> LogSettings.from(environment::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown log level at SWITCHBOARD_LOG_LEVEL: got 'verbose', expected one of trace, debug, info, warn, error, off."
                        + " Set it to info to see start-up and admin actions, or unset it for warn");
    }
}
