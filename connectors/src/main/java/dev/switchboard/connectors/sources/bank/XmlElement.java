package dev.switchboard.connectors.sources.bank;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One element of a statement read into memory: a statement's account, one booked entry. Names are
 * local names (the namespace is checked once, on the root), so the same code reads every version.
 */
record XmlElement(String name, String text, Map<String, String> attributes, List<XmlElement> children) {

    /** The first child with this name, or null. */
    XmlElement child(String childName) {
        for (XmlElement child : children) {
            if (child.name.equals(childName)) {
                return child;
            }
        }
        return null;
    }

    List<XmlElement> all(String childName) {
        List<XmlElement> found = new ArrayList<>();
        for (XmlElement child : children) {
            if (child.name.equals(childName)) {
                found.add(child);
            }
        }
        return found;
    }

    /** The element at a slash-separated path of child names, or null. */
    XmlElement at(String path) {
        XmlElement current = this;
        for (String step : path.split("/")) {
            current = current.child(step);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /** The trimmed text at a path, or null when the element is missing or empty. */
    String text(String path) {
        XmlElement element = at(path);
        if (element == null || element.text == null) {
            return null;
        }
        String trimmed = element.text.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    /** The text of the first of these paths that has one. */
    String firstText(String... paths) {
        for (String path : paths) {
            String value = text(path);
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
