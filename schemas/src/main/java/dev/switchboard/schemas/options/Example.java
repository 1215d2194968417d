package dev.switchboard.schemas.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A complete, valid YAML example of a step or connector; tests parse every example against the generated schema. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(Examples.class)
public @interface Example {
    String title();

    /** The YAML of one step (a list item under {@code steps:}) or one sink. */
    String yaml();
}
