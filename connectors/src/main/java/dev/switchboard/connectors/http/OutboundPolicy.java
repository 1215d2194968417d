package dev.switchboard.connectors.http;

import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.options.OptionProblem;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an outbound URL may be called: http or https only, a host on the allow list, and
 * never a link-local address (cloud metadata at 169.254.169.254) nor a cloud metadata service
 * outside that range. Checked before every request, including each redirect, so a URL from
 * configuration cannot be bent elsewhere at run time.
 */
public final class OutboundPolicy {

    /** Metadata services outside the link-local range: AWS over IPv6 (fd00:ec2::254) and Alibaba Cloud. */
    private static final Set<String> METADATA_ADDRESSES = Set.of("fd00:ec2:0:0:0:0:0:254", "100.100.100.200");

    private final Set<String> allowedHosts;

    public OutboundPolicy(Set<String> allowedHosts) {
        this.allowedHosts = Set.copyOf(allowedHosts);
    }

    /** Empty when the URL may be called; otherwise the reason it may not. */
    public Optional<String> refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("Refused URL scheme '" + scheme + "' in " + redact(uri) + ": expected http or https");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of("Refused URL without a host: " + redact(uri));
        }
        host = host.toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (!allowed(host, port)) {
            return Optional.of("Host '" + host + ":" + port + "' is not in outbound.allowed_hosts: got " + redact(uri)
                    + ", expected one of " + allowedHosts + ". Add the host to outbound.allowed_hosts to allow it");
        }
        return addressRefusal(host);
    }

    /**
     * Empty when a server that is not reached over HTTP (an SMTP server) may be called at this host
     * and port: the same allow list and refused addresses as for URLs.
     */
    public Optional<String> refusal(String host, int port) {
        String name = host == null ? "" : host.toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return Optional.of("Refused server without a host name");
        }
        if (!allowed(name, port)) {
            return Optional.of("Host '" + name + ":" + port + "' is not in outbound.allowed_hosts: expected one of " + allowedHosts
                    + ". Add the host to outbound.allowed_hosts to allow it");
        }
        return addressRefusal(name);
    }

    private static Optional<String> addressRefusal(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address.isLinkLocalAddress() || address.isAnyLocalAddress() || address.isMulticastAddress()) {
                    return Optional.of("Refused link-local, wildcard or multicast address " + address.getHostAddress()
                            + " for host '" + host + "'");
                }
                if (METADATA_ADDRESSES.contains(address.getHostAddress())) {
                    return Optional.of("Refused cloud metadata address " + address.getHostAddress() + " for host '" + host
                            + "': instance credentials live there, whatever outbound.allowed_hosts says");
                }
            }
        } catch (UnknownHostException e) {
            return Optional.empty(); // the request itself fails and is retried; unknown now may resolve later
        }
        return Optional.empty();
    }

    /** The problem of a URL option: not a URL, or one this policy refuses; the message passes through {@code redactor}. */
    public List<OptionProblem> check(String option, String url, Redactor redactor) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            int query = url.indexOf('?');
            return List.of(OptionProblem.at(option, "Invalid URL").got(redactor.redact(query < 0 ? url : url.substring(0, query)))
                    .expected("an absolute http(s) URL"));
        }
        return refusal(uri).map(reason -> OptionProblem.at(option, "Refused URL").fix(": " + redactor.redact(reason))).stream().toList();
    }

    private boolean allowed(String host, int port) {
        for (String pattern : allowedHosts) {
            String p = pattern.toLowerCase(Locale.ROOT);
            String patternHost = p;
            int patternPort = -1;
            int colon = p.lastIndexOf(':');
            if (colon > 0 && !p.endsWith("]")) {
                patternHost = p.substring(0, colon);
                patternPort = Integer.parseInt(p.substring(colon + 1));
            }
            boolean hostMatches = patternHost.startsWith("*.")
                    ? host.endsWith(patternHost.substring(1))
                    : host.equals(patternHost);
            if (hostMatches && (patternPort == -1 || patternPort == port)) {
                return true;
            }
        }
        return false;
    }

    /** The URL without its query and user info, which may carry tokens. */
    public static String redact(URI uri) {
        return (uri.getScheme() == null ? "" : uri.getScheme() + "://")
                + (uri.getHost() == null ? "" : uri.getHost())
                + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getPath() == null ? "" : uri.getPath());
    }
}
