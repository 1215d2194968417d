package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.options.OptionProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The ids a HubSpot sink is configured with, as HubSpot accepts them: a property's internal name, a numeric owner id. */
final class HubSpotIds {

    private static final Pattern PROPERTY_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern OWNER_ID = Pattern.compile("[0-9]+");

    private HubSpotIds() {
    }

    /** The problems of {@code id_property} and {@code default_owner_id} (which may be null). */
    static List<OptionProblem> problems(String idProperty, String defaultOwnerId) {
        List<OptionProblem> problems = new ArrayList<>();
        if (!PROPERTY_NAME.matcher(idProperty).matches()) {
            problems.add(OptionProblem.at("id_property", "Invalid property name").got(idProperty)
                    .expected("a HubSpot internal name (lower case letters, digits, underscores)"));
        }
        if (defaultOwnerId != null && !OWNER_ID.matcher(defaultOwnerId).matches()) {
            problems.add(OptionProblem.at("default_owner_id", "Invalid owner id").got(defaultOwnerId)
                    .expected("a numeric HubSpot owner id"));
        }
        return problems;
    }
}
