package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.sources.cdc.ChangeEventMapping;
import dev.switchboard.connectors.sources.cdc.DebeziumPostgresSource;
import dev.switchboard.connectors.sources.internal.EventTarget;
import dev.switchboard.connectors.sources.internal.SecretValue;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.events.ReservedEventTypes;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.PublishingOptions;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Makes {@link DebeziumPostgresSource}s: a PostgreSQL database's row changes, read through logical
 * decoding ({@code pgoutput}) by Debezium's embedded engine, as {@code crm.<entity>.<change>}
 * CloudEvents. Debezium's offset (the WAL position) is committed only after Kafka acknowledged the
 * events before it, so a crash replays changes (under the same event ids) and never skips one.
 */
public final class DebeziumPostgresSourceFactory implements SourceFactory<DebeziumPostgresSourceFactory.Options> {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern ENTITY = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Debezium properties that options set; {@code debezium_properties} may not override them. */
    private static final Set<String> MANAGED = Set.of("name", "connector.class", "topic.prefix", "database.hostname", "database.port",
            "database.user", "database.password", "database.dbname", "database.sslmode", "plugin.name", "slot.name",
            "publication.name", "publication.autocreate.mode", "table.include.list", "snapshot.mode", "offset.storage",
            "offset.storage.file.filename", "offset.flush.interval.ms", "converter.schemas.enable", "key.converter.schemas.enable",
            "value.converter.schemas.enable", "tombstones.on.delete", "decimal.handling.mode", "time.precision.mode");

    @Documentation(name = "debezium-postgres", summary = "Streams row changes of PostgreSQL tables (Debezium, pgoutput) as `crm.<entity>.<change>` events.",
            description = """
                    Runs Debezium's embedded PostgreSQL connector with the built-in `pgoutput` plugin (PostgreSQL 10 or newer, \
                    `wal_level = logical`, a user with the `REPLICATION` attribute and `SELECT` on the tables; with \
                    `publication_autocreate: filtered` it also needs to own the tables, or create the publication yourself \
                    and set `disabled`). Each configured table maps to an entity: an insert publishes \
                    `<type_prefix>.<entity>.created`, an update `.updated`, a delete `.deleted`, and a row read by the \
                    initial snapshot `.snapshot`. The event's `data` holds the mapped `fields` (see `tables`), then `table` \
                    (`schema.table`), `op` (`c`, `u`, `d`, `r`), `lsn` (the change's WAL position), `before` and `after` (the \
                    row as Debezium reads it: numerics as text, times as ISO-8601 text; `before` carries only the key \
                    unless the table has `REPLICA IDENTITY FULL`). The event id is a hash of database, table, LSN, \
                    operation and primary key, so a change read again after a crash is the same event; the Kafka key and \
                    the `subject` are the primary key (its value, or a JSON object for a composite key); `source` is \
                    `/cdc/postgres/<database>/<schema.table>` and `time` the commit time.

                    The position reached is kept in `offsets.dat` in the source's state folder \
                    (`.switchboard/sources/<name>/`) and, on the server, in the replication slot. It moves only after \
                    Kafka acknowledged every event before it; until then PostgreSQL keeps the WAL. Drop the slot \
                    (`SELECT pg_drop_replication_slot('…')`) when you remove the source, or the server keeps WAL for it \
                    forever.""")
    @Example(title = "CRM tables: contacts, leads (mapped to crm.lead.created's fields) and deals", yaml = """
            crm-database:
              debezium-postgres:
                hostname: crm-db.internal
                database: crm
                user: switchboard_cdc
                password_env: CRM_DB_PASSWORD
                ssl_mode: require
                slot_name: switchboard_crm
                publication_name: switchboard_crm
                snapshot_mode: no_data
                tables:
                  public.contacts:
                    entity: contact
                  public.leads:
                    entity: lead
                    fields:
                      lead_id: id
                      first_name: first_name
                      last_name: last_name
                      email: email
                      company: company_name
                      title: job_title
                      source: lead_source
                      notes: notes
                      employees: employee_count
                      owner_id: owner_id
                  public.deals:
                    entity: deal
                    fields:
                      deal_id: id
                      stage: stage
                      amount: amount
            """)
    public record Options(
            @Option(description = "Host name or address of the PostgreSQL server.", required = true) String hostname,
            @Option(description = "Port of the PostgreSQL server.", defaultValue = "5432", minimum = 1, maximum = 65535) Integer port,
            @Option(description = "Database whose tables are streamed.", required = true) String database,
            @Option(description = "User to connect as; needs the `REPLICATION` attribute and `SELECT` on the tables.", required = true)
            String user,
            @Option(description = "Environment variable holding the password. Give this or `password_file`; with neither, no password "
                    + "is sent (trust or certificate authentication).", secret = true)
            @JsonProperty("password_env") String passwordEnv,
            @Option(description = "File holding the password (a mounted Kubernetes secret, say), relative to the configuration file; "
                    + "surrounding whitespace is ignored. Give this or `password_env`.", secret = true)
            @JsonProperty("password_file") String passwordFile,
            @Option(description = "TLS to the server, as libpq's `sslmode`.", defaultValue = "prefer",
                    allowed = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
            @JsonProperty("ssl_mode") String sslMode,
            @Option(description = "Tables to stream, each `schema.table` (as PostgreSQL names it, unquoted) with its entity name "
                    + "and field mapping. Changes of other tables are not read.", required = true)
            Map<String, Table> tables,
            @Option(description = "Kafka topic the events are published to. The CRM tables (`kafka.streams.crm`) read this topic by "
                    + "default, and no webhook or other external source may publish to it.", defaultValue = ReservedEventTypes.CDC_TOPIC) String topic,
            @Option(description = "First part of every event type: `<type_prefix>.<entity>.created`.", defaultValue = "crm")
            @JsonProperty("type_prefix") String typePrefix,
            @Option(description = "What to read when the source starts without a stored position. `initial`: every existing row "
                    + "(as `.snapshot` events), then the changes; `no_data`: only changes from now on; `when_needed`: a snapshot "
                    + "when the stored position is no longer available on the server; `always`: a snapshot at every start; "
                    + "`initial_only`: the snapshot, then stop; `never`: changes from the slot's position, no snapshot.",
                    defaultValue = "initial", allowed = {"initial", "no_data", "when_needed", "always", "initial_only", "never"})
            @JsonProperty("snapshot_mode") String snapshotMode,
            @Option(description = "Name of the logical replication slot (created if missing; lower-case letters, digits and "
                    + "underscores). One per source and database. When omitted, `switchboard_` and the source name.")
            @JsonProperty("slot_name") String slotName,
            @Option(description = "Name of the publication the slot reads. When omitted, `switchboard_` and the source name.")
            @JsonProperty("publication_name") String publicationName,
            @Option(description = "Whether the source creates the publication. `filtered`: for the configured tables only (and "
                    + "updates it when `tables` changes); `all_tables`: for every table; `disabled`: it must exist.",
                    defaultValue = "filtered", allowed = {"filtered", "all_tables", "disabled"})
            @JsonProperty("publication_autocreate") String publicationAutocreate,
            @Option(description = "How long to wait for Kafka to acknowledge a batch before publishing it again (same event ids); "
                    + "the source retries until Kafka answers and commits nothing meanwhile.",
                    defaultValue = "30", minimum = 1, maximum = 600)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds,
            @Option(description = "How often acknowledged positions are written to the offset file and confirmed to the slot, in "
                    + "milliseconds. Shorter means fewer changes replayed after a crash.",
                    defaultValue = "1000", minimum = 0, maximum = 600000)
            @JsonProperty("offset_flush_ms") Integer offsetFlushMs,
            @Option(description = "Further Debezium PostgreSQL connector properties (`heartbeat.interval.ms`, "
                    + "`slot.max.retries`, `column.exclude.list`, …), as text. Never a secret; properties that options above "
                    + "set are refused.")
            @JsonProperty("debezium_properties") Map<String, String> debeziumProperties) implements PublishingOptions {
    }

    /** One streamed table. */
    public record Table(
            @Option(description = "Entity name in the event type (`crm.<entity>.created`): lower-case letters, digits, underscores.",
                    required = true)
            String entity,
            @Option(description = "Event fields copied to the top of `data`, each from a column of the row (`after`, or `before` for "
                    + "a delete): `event_field: column`. Where Switchboard ships a schema for the event type (`crm.lead.created`), "
                    + "its required fields must be mapped, and values are converted to the schema's types (an integer id to "
                    + "text, a numeric text to an integer) and cut to its lengths.")
            Map<String, String> fields) {
    }

    @Override
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        if (options.tables() == null || options.tables().isEmpty()) {
            problems.add(OptionProblem.at("tables", "Missing tables").expected("at least one `schema.table` with its entity")
                    .fix("Add e.g. tables: {public.leads: {entity: lead}}"));
        } else {
            options.tables().forEach((table, mapping) -> problems.addAll(checkTable(table, mapping, options.typePrefix())));
        }
        if (!ENTITY.matcher(options.typePrefix()).matches()) {
            problems.add(OptionProblem.at("type_prefix", "Invalid type prefix").got(options.typePrefix())
                    .expected("lower-case letters, digits and underscores").fix("Use e.g. crm"));
        } else if (ReservedEventTypes.refusal(options.typePrefix() + ".", true).isPresent()) {
            problems.add(OptionProblem.at("type_prefix", "Reserved type prefix").got(options.typePrefix())
                    .expected("a prefix other than " + ReservedEventTypes.INTERNAL_PREFIX + "*, which only Switchboard writes").fix("Use e.g. crm"));
        }
        for (String key : List.of("slot_name", "publication_name")) {
            String value = key.equals("slot_name") ? options.slotName() : options.publicationName();
            if (value != null && !IDENTIFIER.matcher(value).matches()) {
                problems.add(OptionProblem.at(key, "Invalid name").got(value).expected("up to 63 lower-case letters, digits and "
                        + "underscores, not starting with a digit").fix("PostgreSQL allows no other characters in slot names"));
            }
        }
        problems.addAll(SecretValue.check("password", options.passwordEnv(), options.passwordFile(), "password_env", false,
                "database user's password", environment));
        if (options.debeziumProperties() != null) {
            options.debeziumProperties().keySet().stream().filter(MANAGED::contains).sorted().forEach(key ->
                    problems.add(OptionProblem.at("debezium_properties." + key, "Managed property").got(key)
                            .expected("a property that no option sets").fix("Use the source's own option instead")));
        }
        return problems;
    }

    private static List<OptionProblem> checkTable(String table, Table mapping, String typePrefix) {
        List<OptionProblem> problems = new ArrayList<>();
        String path = "tables." + table;
        if (!TABLE.matcher(table).matches()) {
            problems.add(OptionProblem.at(path, "Invalid table").got(table).expected("schema.table (unquoted identifiers), e.g. public.leads"));
        }
        if (mapping == null || mapping.entity() == null) {
            problems.add(OptionProblem.at(path + ".entity", "Missing entity").expected("the entity name of its event types, e.g. lead"));
            return problems;
        }
        if (!ENTITY.matcher(mapping.entity()).matches()) {
            problems.add(OptionProblem.at(path + ".entity", "Invalid entity").got(mapping.entity())
                    .expected("lower-case letters, digits and underscores, e.g. lead"));
            return problems;
        }
        Map<String, String> fields = mapping.fields() == null ? Map.of() : mapping.fields();
        for (String change : ChangeEventMapping.CHANGES) {
            String type = typePrefix + "." + mapping.entity() + "." + change;
            List<String> missing = ChangeEventMapping.requiredFields(type).stream().filter(field -> !fields.containsKey(field)).toList();
            if (!missing.isEmpty()) {
                problems.add(OptionProblem.at(path + ".fields", "Missing field mapping").fix(": got " + fields.keySet() + ", expected "
                        + missing + " too, which " + type + ".schema.json requires. Map each to a column, e.g. " + missing.get(0) + ": id"));
            }
        }
        fields.forEach((field, column) -> {
            if (column == null || column.isBlank()) {
                problems.add(OptionProblem.at(path + ".fields." + field, "Missing column").expected("the column the field is read from"));
            } else if (Set.of("table", "op", "lsn", "before", "after").contains(field)) {
                problems.add(OptionProblem.at(path + ".fields." + field, "Reserved field").got(field)
                        .expected("a name other than table, op, lsn, before and after, which every change event carries"));
            }
        });
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        Map<String, ChangeEventMapping.Table> tables = new LinkedHashMap<>();
        options.tables().forEach((table, mapping) ->
                tables.put(table, new ChangeEventMapping.Table(mapping.entity(), mapping.fields() == null ? Map.of() : mapping.fields())));
        ChangeEventMapping mapping = new ChangeEventMapping(options.database(), options.typePrefix(), tables);
        return new DebeziumPostgresSource(name, new DebeziumPostgresSource.Settings(debeziumProperties(name, options, environment),
                mapping, new EventTarget(environment.events(), options.topic(), Duration.ofSeconds(options.ackTimeoutSeconds()))));
    }

    /** The embedded engine's configuration: connector, offsets in the state folder, JSON without schemas. */
    static Properties debeziumProperties(String name, Options options, SourceEnvironment environment) {
        Path state = environment.stateDir(name);
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new IllegalStateException("Source " + name + ": cannot create its state folder " + state + ": " + e.getMessage(), e);
        }
        Properties properties = new Properties();
        if (options.debeziumProperties() != null) {
            properties.putAll(options.debeziumProperties());
        }
        String identifier = "switchboard_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        properties.setProperty("name", name);
        properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        properties.setProperty("topic.prefix", identifier);
        properties.setProperty("database.hostname", options.hostname());
        properties.setProperty("database.port", Integer.toString(options.port()));
        properties.setProperty("database.user", options.user());
        SecretValue.read(options.passwordEnv(), options.passwordFile(), environment).ifPresent(password -> properties.setProperty("database.password", password));
        properties.setProperty("database.dbname", options.database());
        properties.setProperty("database.sslmode", options.sslMode());
        properties.setProperty("plugin.name", "pgoutput");
        properties.setProperty("slot.name", options.slotName() == null ? identifier : options.slotName());
        properties.setProperty("publication.name", options.publicationName() == null ? identifier : options.publicationName());
        properties.setProperty("publication.autocreate.mode", options.publicationAutocreate());
        // table.include.list holds anchored regular expressions: a dot in a name must match only a dot.
        properties.setProperty("table.include.list", options.tables().keySet().stream()
                .map(table -> table.replace(".", "\\.").replace("$", "\\$")).collect(Collectors.joining(",")));
        properties.setProperty("snapshot.mode", options.snapshotMode());
        properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        properties.setProperty("offset.storage.file.filename", state.resolve("offsets.dat").toString());
        properties.setProperty("offset.flush.interval.ms", Integer.toString(options.offsetFlushMs()));
        properties.setProperty("converter.schemas.enable", "false");
        properties.setProperty("tombstones.on.delete", "false");
        // Exact and readable: numerics as text rather than bytes, times as ISO-8601 rather than epoch counts.
        properties.setProperty("decimal.handling.mode", "string");
        properties.setProperty("time.precision.mode", "isostring");
        return properties;
    }

    @Override
    public boolean changeDataCapture() {
        return true;
    }
}
