package dev.switchboard.schemas.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one option of a step, sink or source. The JSON Schema, the reference docs and the
 * validation messages are generated from this annotation and the record component's type; nothing
 * repeats a key or a default elsewhere.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Option {

    /** What the option does; shown in the schema and the reference docs. */
    String description();

    /** The default, as YAML would write it; empty means no default. */
    String defaultValue() default "";

    boolean required() default false;

    /** A secret is never logged; the value names an environment variable or a file, not the secret itself. */
    boolean secret() default false;

    /** The value is a {@code {{ path }}} template, checked against the paths a workflow can read. */
    boolean template() default false;

    /** The value is a CEL expression, compiled when the workflow loads. */
    boolean cel() default false;

    /**
     * The value names a file or folder. In a workflow it is resolved against the workflow file's folder and must
     * stay inside the folders the engine allows ({@link dev.switchboard.schemas.files.AllowedFolders}): no absolute
     * path, no {@code ..} or symbolic link that leads out.
     */
    boolean file() default false;

    /** Inclusive bounds for numbers; NaN means unbounded. */
    double minimum() default Double.NaN;

    double maximum() default Double.NaN;

    /** Allowed values for strings; empty means any. */
    String[] allowed() default {};
}
