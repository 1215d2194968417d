package dev.switchboard.schemas.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * Reads JSON keeping its numbers as they came: a fraction or exponent as a {@code BigDecimal} with its
 * trailing zeros, an integer of any size as a {@code BigInteger}. Read as doubles, {@code 1e999999999}
 * became Infinity (written back as the string {@code "Infinity"}) and long fractions were cut, so the
 * event a source published was not the one its sender signed. Written back, a number keeps its value
 * and its digits ({@code 1e999999999} as {@code 1E+999999999}; never expanded to plain digits).
 */
public final class ExactJson {

    private ExactJson() {
    }

    /** A mapper over {@code factory} (its read constraints and features kept) that reads numbers exactly. */
    public static ObjectMapper mapper(JsonFactory factory) {
        return new ObjectMapper(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }

    /** A mapper with Jackson's default factory that reads numbers exactly. */
    public static ObjectMapper mapper() {
        return mapper(new JsonFactory());
    }
}
