package dev.switchboard.workflows.runtime.http;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The host names a listener answers to, checked against the {@code Host} header. DNS rebinding makes a
 * browser send a page's own host name to a local address; an IP address in {@code Host} cannot come
 * from it, so addresses pass (Kubernetes probes and Prometheus use the pod's address) and names must
 * be listed.
 */
public final class AllowedHosts {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    private final Set<String> names;

    public AllowedHosts(Collection<String> names) {
        this.names = names.stream().map(AllowedHosts::normalized).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a request with this {@code Host} header (null when absent) may be answered. */
    public boolean allows(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String host = hostHeader.trim();
        if (host.startsWith("[")) {
            return host.indexOf(']') > 1;
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            if (host.indexOf(':', colon + 1) >= 0) {
                return false;
            }
            host = host.substring(0, colon);
        }
        host = normalized(host);
        return IPV4.matcher(host).matches() || names.contains(host);
    }

    private static String normalized(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public String toString() {
        return names.stream().sorted().collect(Collectors.joining(", "));
    }
}
