package dev.switchboard.connectors.camel;

import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.options.OptionProblem;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Camel endpoint URIs the {@code camel} sink and source may use: a scheme listed in
 * {@code outbound.camel_schemes} whose component is on the classpath, never one that reaches the
 * filesystem, runs commands or evaluates code, and no http(s) URL inside the URI that
 * {@code outbound.allowed_hosts} refuses. Problems name the scheme, never the rest of the URI.
 */
public final class CamelEndpointPolicy {

    /** Filesystem, shell, code, SQL and remote-shell components: never, whatever the configuration lists. */
    static final Set<String> REFUSED = Set.of(
            "file", "file-watch", "ftp", "ftps", "sftp", "scp", "ssh", "exec", "docker",
            "bean", "class", "language", "sql", "sql-stored", "jdbc", "spring-jdbc", "mybatis", "jpa",
            "controlbus", "stream", "groovy", "joor", "mvel", "ognl", "xslt", "xslt-saxon", "velocity",
            "freemarker", "mustache", "string-template", "chunk", "jslt", "jsonata", "jte", "thymeleaf", "python", "js");
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):.*", Pattern.DOTALL);
    private static final Pattern HTTP_URL = Pattern.compile("(?i)\\bhttps?://[^\\s&)]+");

    private final Set<String> allowedSchemes = new TreeSet<>();
    private final OutboundPolicy outbound;

    public CamelEndpointPolicy(Set<String> allowedSchemes, Set<String> allowedHosts) {
        allowedSchemes.forEach(scheme -> this.allowedSchemes.add(scheme.toLowerCase(Locale.ROOT)));
        this.outbound = new OutboundPolicy(allowedHosts);
    }

    /** Every reason the endpoint URI given at {@code option} may not be used. */
    public List<OptionProblem> check(String option, String uri) {
        Matcher matcher = SCHEME.matcher(uri.strip());
        if (!matcher.matches()) {
            return List.of(OptionProblem.at(option, "Invalid Camel endpoint").expected("scheme:path?options, e.g. jms:queue:tasks"));
        }
        String scheme = matcher.group(1).toLowerCase(Locale.ROOT);
        if (REFUSED.contains(scheme)) {
            return List.of(OptionProblem.at(option, "Refused Camel scheme '" + scheme + "'").fix(": it reaches the filesystem, runs commands or "
                    + "evaluates code, and is refused even when listed in outbound.camel_schemes. Use a sink that sends to a service"));
        }
        List<OptionProblem> problems = new ArrayList<>();
        if (!allowedSchemes.contains(scheme)) {
            problems.add(OptionProblem.at(option, "Camel scheme '" + scheme + "'").fix(" is not in outbound.camel_schemes: expected one of "
                    + allowedSchemes + ". Add '" + scheme + "' to outbound.camel_schemes to allow it"));
        }
        if (CamelEndpointPolicy.class.getClassLoader().getResource("META-INF/services/org/apache/camel/component/" + scheme) == null) {
            problems.add(OptionProblem.at(option, "No Camel component for scheme '" + scheme + "'").fix(": add the jar org.apache.camel:camel-"
                    + scheme + " (Camel's version) to the classpath"));
        }
        Redactor redactor = Redactor.of(uri);
        for (URI url : httpUrls(uri)) {
            outbound.refusal(url).ifPresent(refusal -> problems.add(OptionProblem.at(option, "Refused URL in the Camel endpoint")
                    .fix(": " + redactor.redact(refusal))));
        }
        return problems;
    }

    /** http(s) URLs in an endpoint URI: its address (the http component) and option values (Slack's webhookUrl). */
    static List<URI> httpUrls(String uri) {
        String decoded = uri.replace("RAW(", " ").replace("RAW{", " ");
        try {
            decoded = decoded + " " + URLDecoder.decode(decoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            // keep the raw text
        }
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = HTTP_URL.matcher(decoded);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        List<URI> urls = new ArrayList<>();
        for (String url : found) {
            try {
                urls.add(URI.create(url));
            } catch (IllegalArgumentException unparsable) {
                urls.add(URI.create("http://unparsable.invalid/")); // refused, and the message does not quote it
            }
        }
        return urls;
    }
}
