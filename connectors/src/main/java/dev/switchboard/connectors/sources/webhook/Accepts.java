package dev.switchboard.connectors.sources.webhook;

import dev.switchboard.connectors.sources.internal.MediaType;
import java.util.function.Predicate;

/** The content types a webhook source accepts; anything else is refused with 415 saying {@code expected}. */
public record Accepts(Predicate<MediaType> test, String expected) {

    public static final Accepts JSON = new Accepts(MediaType::isStrictJson, "application/json (charset utf-8 or none)");
    public static final Accepts FORM = new Accepts(type -> type.essence().equals("multipart/form-data")
            || type.essence().equals("application/x-www-form-urlencoded") && type.utf8OrNoCharset(),
            "multipart/form-data or application/x-www-form-urlencoded");
    /** XML documents carry their encoding in their own declaration, so any charset parameter is accepted. */
    public static final Accepts XML = new Accepts(type -> type.essence().equals("application/xml") || type.essence().equals("text/xml"),
            "application/xml or text/xml");
}
