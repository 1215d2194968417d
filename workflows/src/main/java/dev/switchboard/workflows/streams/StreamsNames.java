package dev.switchboard.workflows.streams;

import java.util.Locale;

/**
 * The one naming scheme of the Kafka Streams stages (docs/state.md has the table).
 *
 * <ul>
 *   <li>Application ids, which are also the consumer groups: {@code switchboard.dedup},
 *       {@code switchboard.crm}, {@code switchboard.window.<workflow>}, {@code switchboard.digest.<workflow>};
 *       a workflow's own route stays {@code switchboard.wf.<workflow>}.</li>
 *   <li>Nodes and stores: {@code <area>.<verb>} and {@code <area>.<thing>}, e.g. {@code dedup.filter},
 *       {@code crm.contacts.table}, {@code crm.contacts.by-email}.</li>
 *   <li>Kafka derives the internal topics from these: {@code <application id>-<store>-changelog} and
 *       {@code <application id>-<node>-repartition}, e.g. {@code switchboard.crm-crm.contacts.table-changelog}.</li>
 *   <li>Topics a stage writes for a workflow: {@code switchboard.window.<workflow>} and
 *       {@code switchboard.digest.<workflow>}; the deduplicated events go to {@code kafka.streams.dedup.output}
 *       ({@code switchboard.events.unique}).</li>
 * </ul>
 */
public final class StreamsNames {

    public static final String DEDUP_STORE = "dedup.seen";
    /** The compacted topic of accepted invoices by invoice key, read whole by every instance. */
    public static final String INVOICE_REGISTER_TOPIC = "switchboard.invoices.register";
    public static final String INVOICE_REGISTER_STORE = "invoices.register";

    private StreamsNames() {
    }

    /** The stages the engine runs once, whatever its workflows: each is the application {@code switchboard.<stage>}. */
    public enum EngineStage {
        DEDUP, CRM, INVOICES, RECONCILE;

        public String application() {
            return "switchboard." + name().toLowerCase(Locale.ROOT);
        }
    }

    /** The stages of one workflow: each is the application {@code switchboard.<stage>.<workflow>}. */
    public enum WorkflowStage {
        WINDOW, DIGEST, OVERDUE;

        public String application(String workflow) {
            return "switchboard." + name().toLowerCase(Locale.ROOT) + "." + workflow;
        }

        /** The topic the stage writes for its workflow, which the workflow reads: named as the application. */
        public String topic(String workflow) {
            return application(workflow);
        }
    }

    /** {@code contact} → {@code contacts}, {@code company} → {@code companies}. */
    public static String plural(String entity) {
        return entity.endsWith("y") ? entity.substring(0, entity.length() - 1) + "ies" : entity + "s";
    }

    /** The table of an entity, keyed by id: {@code crm.contacts.table}. */
    public static String crmTable(String entity) {
        return "crm." + plural(entity) + ".table";
    }

    /** A secondary index, from the indexed value to the ids holding it: {@code crm.contacts.by-email}. */
    public static String crmIndex(String entity, String field) {
        return "crm." + plural(entity) + ".by-" + field.toLowerCase(Locale.ROOT);
    }

    /** The changelog Kafka Streams keeps for a store of an application. */
    public static String changelog(String application, String store) {
        return application + "-" + store + "-changelog";
    }
}
