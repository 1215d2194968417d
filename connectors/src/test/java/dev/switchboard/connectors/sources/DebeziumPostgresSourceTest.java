package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.YamlOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebeziumPostgresSourceTest {

    private static final DebeziumPostgresSourceFactory FACTORY = new DebeziumPostgresSourceFactory();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Options bound as the file would give them (written as JSON, which is YAML too); null values are left out. */
    private static DebeziumPostgresSourceFactory.Options options(Map<String, DebeziumPostgresSourceFactory.Table> tables, String passwordEnv,
                                                                 String passwordFile, String slot, Map<String, String> extra) {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("hostname", "crm-db.internal");
        yaml.put("database", "crm");
        yaml.put("user", "switchboard_cdc");
        yaml.put("password_env", passwordEnv);
        yaml.put("password_file", passwordFile);
        yaml.put("tables", tables);
        yaml.put("slot_name", slot);
        yaml.put("debezium_properties", extra);
        try {
            return YamlOptions.bind(DebeziumPostgresSourceFactory.Options.class, JSON.writeValueAsString(yaml));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, DebeziumPostgresSourceFactory.Table> leads(Map<String, String> fields) {
        return Map.of("public.leads", new DebeziumPostgresSourceFactory.Table("lead", fields));
    }

    private List<String> problems(DebeziumPostgresSourceFactory.Options options) {
        return messages(FACTORY.check(options, new RecordingEnvironment(dir, Map.of("CRM_DB_PASSWORD", "s3cret"))));
    }

    @Test
    void should_accept_when_the_lead_table_maps_lead_id_and_the_password_is_set() {
        assertThat(problems(options(leads(Map.of("lead_id", "id")), "CRM_DB_PASSWORD", null, null, null))).isEmpty();
    }

    @Test
    void should_require_lead_id_when_a_table_publishes_crm_lead_created() {
        // when
        List<String> problems = problems(options(leads(Map.of("email", "email")), "CRM_DB_PASSWORD", null, null, null));

        // then
        assertThat(problems).singleElement().asString()
                .startsWith("Missing field mapping at tables.public.leads.fields: got [email], expected [lead_id] too, which "
                        + "crm.lead.created.schema.json requires");
    }

    @Test
    void should_report_every_problem_when_names_secrets_and_properties_are_wrong() {
        // given a bad table name, a bad entity, a reserved field, a slot PostgreSQL refuses, an unset variable, a managed property
        Map<String, DebeziumPostgresSourceFactory.Table> tables = Map.of(
                "leads", new DebeziumPostgresSourceFactory.Table("lead", Map.of("lead_id", "id")),
                "public.deals", new DebeziumPostgresSourceFactory.Table("Deal", null),
                "public.contacts", new DebeziumPostgresSourceFactory.Table("contact", Map.of("op", "operation")));

        // when
        List<String> problems = problems(options(tables, "UNSET_VARIABLE", null, "Switchboard-CRM", Map.of("slot.name", "x")));

        // then
        assertThat(problems).anyMatch(p -> p.startsWith("Invalid table at tables.leads: got 'leads', expected schema.table"))
                .anyMatch(p -> p.startsWith("Invalid entity at tables.public.deals.entity: got 'Deal'"))
                .anyMatch(p -> p.startsWith("Reserved field at tables.public.contacts.fields.op"))
                .anyMatch(p -> p.startsWith("Invalid name at slot_name: got 'Switchboard-CRM'"))
                .anyMatch(p -> p.startsWith("Missing secret at password_env: environment variable 'UNSET_VARIABLE' is not set"))
                .anyMatch(p -> p.startsWith("Managed property at debezium_properties.slot.name"))
                .hasSize(6);
    }

    @Test
    void should_configure_the_engine_with_offsets_in_the_state_folder_and_escaped_table_names() throws Exception {
        // given the password in a file, relative to the configuration
        Files.writeString(dir.resolve("crm.password"), "  from-a-file\n");
        RecordingEnvironment environment = new RecordingEnvironment(dir, Map.of());

        // when
        Properties properties = DebeziumPostgresSourceFactory.debeziumProperties("crm-database",
                options(leads(Map.of("lead_id", "id")), null, "crm.password", null, Map.of("heartbeat.interval.ms", "10000")), environment);

        // then
        assertThat(properties)
                .containsEntry("database.password", "from-a-file")
                .containsEntry("plugin.name", "pgoutput")
                .containsEntry("slot.name", "switchboard_crm_database")
                .containsEntry("publication.name", "switchboard_crm_database")
                .containsEntry("table.include.list", "public\\.leads")
                .containsEntry("snapshot.mode", "initial")
                .containsEntry("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore")
                .containsEntry("offset.storage.file.filename", dir.resolve("state/crm-database/offsets.dat").toString())
                .containsEntry("heartbeat.interval.ms", "10000");
        assertThat(dir.resolve("state/crm-database")).isDirectory();
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
