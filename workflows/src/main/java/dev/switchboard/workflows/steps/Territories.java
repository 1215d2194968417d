package dev.switchboard.workflows.steps;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A sales territories file: segments by employee count, regions by country, the owners, the territory
 * (region and segment) each owner holds, and the fallback owner of leads no territory takes. Read once,
 * checked whole: every problem is listed.
 *
 * <pre>{@code
 * segments:   {smb: {min_employees: 1, max_employees: 49}, enterprise: {min_employees: 500}}
 * regions:    {NA: {countries: [US, CA]}}
 * owners:     {owner-jreyes: {name: Jordan Reyes, email: jordan.reyes@example.com}}
 * territories:
 *   - {region: NA, segment: smb, owner: owner-jreyes}
 * fallback: owner-jreyes
 * }</pre>
 */
record Territories(Map<String, Segment> segments, Map<String, List<String>> regions, Map<String, Owner> owners,
                   Map<String, String> territories, String fallback) {

    record Segment(long min, Long max) {
    }

    record Owner(String id, String name, String email) {
    }

    /** Thrown with every problem of a file that is not a territories file. */
    static final class InvalidTerritories extends Exception {
        InvalidTerritories(String message) {
            super(message);
        }
    }

    static Territories read(Path file) throws IOException, InvalidTerritories {
        Object document;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (RuntimeException e) {
            throw new InvalidTerritories("not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw new InvalidTerritories("expected a mapping with segments, regions, owners, territories and fallback");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Segment> segments = new LinkedHashMap<>();
        map(root, "segments", problems).forEach((name, value) -> {
            Map<?, ?> bounds = value instanceof Map<?, ?> m ? m : Map.of();
            if (!(bounds.get("min_employees") instanceof Number min)) {
                problems.add("segments." + name + ": expected min_employees, a number");
                return;
            }
            segments.put(name, new Segment(min.longValue(), bounds.get("max_employees") instanceof Number max ? max.longValue() : null));
        });
        Map<String, List<String>> regions = new LinkedHashMap<>();
        map(root, "regions", problems).forEach((name, value) -> {
            Object countries = value instanceof Map<?, ?> m ? m.get("countries") : null;
            if (!(countries instanceof List<?> list) || list.isEmpty()) {
                problems.add("regions." + name + ": expected countries, a list of ISO country codes");
                return;
            }
            regions.put(name, list.stream().map(country -> String.valueOf(country).toUpperCase(Locale.ROOT)).toList());
        });
        Map<String, Owner> owners = new LinkedHashMap<>();
        map(root, "owners", problems).forEach((id, value) -> {
            Map<?, ?> owner = value instanceof Map<?, ?> m ? m : Map.of();
            owners.put(id, new Owner(id, text(owner.get("name")), text(owner.get("email"))));
        });
        Map<String, String> territories = new LinkedHashMap<>();
        Object list = root.get("territories");
        if (!(list instanceof List<?> rules)) {
            problems.add("territories: expected a list of {region, segment, owner}");
        } else {
            for (int i = 0; i < rules.size(); i++) {
                Map<?, ?> rule = rules.get(i) instanceof Map<?, ?> m ? m : Map.of();
                String region = text(rule.get("region"));
                String segment = text(rule.get("segment"));
                String owner = text(rule.get("owner"));
                if (!regions.containsKey(region) || !segments.containsKey(segment) || !owners.containsKey(owner)) {
                    problems.add("territories[" + i + "]: expected a region of regions, a segment of segments and an owner of owners, got "
                            + region + "/" + segment + " -> " + owner);
                } else if (territories.put(region + "/" + segment, owner) != null) {
                    problems.add("territories[" + i + "]: " + region + "/" + segment + " has an owner already");
                }
            }
        }
        String fallback = text(root.get("fallback"));
        if (!owners.containsKey(fallback)) {
            problems.add("fallback: expected an owner of owners, got " + fallback);
        }
        if (!problems.isEmpty()) {
            throw new InvalidTerritories(String.join("; ", problems));
        }
        return new Territories(segments, regions, owners, territories, fallback);
    }

    /** The region of a country, if any. */
    Optional<String> region(String country) {
        String code = country == null ? "" : country.strip().toUpperCase(Locale.ROOT);
        return regions.entrySet().stream().filter(region -> region.getValue().contains(code)).map(Map.Entry::getKey).findFirst();
    }

    /** The segment of a head count, if any. */
    Optional<String> segment(long employees) {
        return segments.entrySet().stream()
                .filter(segment -> employees >= segment.getValue().min() && (segment.getValue().max() == null || employees <= segment.getValue().max()))
                .map(Map.Entry::getKey).findFirst();
    }

    private static Map<String, Object> map(Map<?, ?> root, String key, List<String> problems) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (root.get(key) instanceof Map<?, ?> m && !m.isEmpty()) {
            m.forEach((name, value) -> map.put(String.valueOf(name), value));
        } else {
            problems.add(key + ": expected a mapping");
        }
        return map;
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
