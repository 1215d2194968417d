package dev.switchboard.schemas.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Names and documents a step type or a sink type; {@code name} is the YAML key that selects it. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Documentation {
    String name();

    /** One line. */
    String summary();

    /** Longer Markdown, for the reference docs. */
    String description() default "";
}
