package dev.switchboard.schemas.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component whose type is itself an options record, declared once and shared by
 * several steps or connectors (the model options of every model step, the listener options of every
 * webhook source, the credentials of every CRM sink). Its options are flattened: they appear at the
 * level of the component, not under a key of their own, in the YAML, the JSON Schema, the reference
 * docs and the binder. Like Camel's inherited endpoint options or Redpanda Connect's shared field
 * groups, a description lives in the group alone, and so does a default, unless the use of the group
 * gives one of its options a default of its own: every webhook source shares the listener's
 * {@code path} option, and each says where its vendor posts by default.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface OptionGroup {

    /**
     * Defaults this use of the group gives to options of the group (its nested groups included), in
     * place of those the group declares. Each must name an option of the group.
     */
    Default[] defaults() default {};

    /** The default of one option of a group, where the group is used. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Default {
        /** The option's key, as written in YAML. */
        String option();

        /** Its default, written as {@link Option#defaultValue()} is. */
        String value();
    }
}
