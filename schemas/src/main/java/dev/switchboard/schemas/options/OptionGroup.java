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
 * groups, a description or a default lives in the group alone.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface OptionGroup {
}
