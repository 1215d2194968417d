package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console on the admin listener, at {@code /console}: sign-in, sessions, CSRF and roles, and
 * the static files; the pages themselves are {@link ConsolePage}s (overview, workflow, reviews,
 * lineage, dead letters, cost, reports). A page needs a session; a change needs a session, its CSRF token, a request
 * from the console's own origin, and the role the change asks for.
 */
public final class Console {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    static final String COOKIE = "sb_console";
    private static final int SMALL = 256 * 1024;

    /** One page or change, for a signed-in user. */
    @FunctionalInterface
    interface Action {
        Response handle(ConsoleRequest request, ConsoleSessions.Session session) throws Exception;
    }

    private final ConsoleUsers users;
    private final ConsoleSessions sessions;
    private final ConsolePages pages;
    private final boolean secureCookie;

    /** @param secureCookie the admin listener serves HTTPS, so the cookie is marked Secure */
    public Console(ConsoleUsers users, ConsoleSessions sessions, ConsolePages pages, boolean secureCookie) {
        this.users = users;
        this.sessions = sessions;
        this.pages = pages;
        this.secureCookie = secureCookie;
    }

    /** Routes the console's paths; the pages register theirs through {@link #page} and {@link #change}. */
    public void register(HttpIngress http, ConsolePage... consolePages) {
        http.route("/console/login", SMALL, raw -> signIn(ConsoleRequest.of(raw)));
        http.route("/console/logout", SMALL, raw -> signOut(ConsoleRequest.of(raw)));
        http.route("/console/static/htmx.min.js", SMALL, raw -> asset(htmxPath(), "text/javascript"));
        http.route("/console/static/console.js", SMALL, raw -> asset("console/static/console.js", "text/javascript"));
        http.route("/console/static/console.css", SMALL, raw -> asset("console/static/console.css", "text/css"));
        for (ConsolePage page : consolePages) {
            page.register(this, http);
        }
    }

    /** A page anyone signed in with {@code role} may read; others are sent to sign in, or refused. */
    HttpIngress.Handler page(Role role, Action action) {
        return raw -> {
            ConsoleRequest request = ConsoleRequest.of(raw);
            ConsoleSessions.Session session = sessions.find(request.cookie(COOKIE)).orElse(null);
            if (session == null) {
                return new Response(303, "text/plain", new byte[0], Map.of("Location", "/console/login"));
            }
            if (!session.user().role().allows(role)) {
                return refused(session, 403, "Your role, " + session.user().role().label() + ", may not open this page");
            }
            return action.handle(request, session);
        };
    }

    /** A change (POST only): a session, its CSRF token, the console's own origin and {@code role}. */
    HttpIngress.Handler change(Role role, Action action) {
        return raw -> {
            ConsoleRequest request = ConsoleRequest.of(raw);
            if (!request.post()) {
                return ConsolePages.plain(405, "Use POST");
            }
            ConsoleSessions.Session session = sessions.find(request.cookie(COOKIE)).orElse(null);
            if (session == null) {
                return ConsolePages.plain(403, "Not signed in: sign in at /console/login");
            }
            if (!request.sameOrigin() || !session.csrfMatches(request.field("csrf"))) {
                LOG.warn("Console: refused a change to {} by {} without a valid CSRF token or from another origin", raw.path(),
                        session.user().name());
                return refused(session, 403, "This request did not come from a console page (its CSRF token is missing or wrong). "
                        + "Reload the page and try again");
            }
            if (!session.user().role().allows(role)) {
                return refused(session, 403, "Your role, " + session.user().role().label() + ", may not do this; it needs "
                        + role.label());
            }
            return action.handle(request, session);
        };
    }

    /** A whole page, or the named fragment when htmx asks for part of one. */
    Response render(ConsoleRequest request, ConsoleSessions.Session session, String template, String fragment, Map<String, Object> model) {
        return render(200, request.htmx() ? fragment : null, session, template, model);
    }

    private Response render(int status, String fragment, ConsoleSessions.Session session, String template, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        if (session != null) {
            all.put("user", session.user());
            all.put("role", session.user().role().label());
            all.put("csrf", session.csrf());
            all.put("canReview", session.user().role().allows(Role.REVIEWER));
            all.put("canOperate", session.user().role().allows(Role.OPERATOR));
        }
        return pages.render(status, template, fragment, all, Map.of());
    }

    private Response refused(ConsoleSessions.Session session, int status, String message) {
        return render(status, null, session, "refused", Map.of("message", message));
    }

    private Response signIn(ConsoleRequest request) {
        if (!request.post()) {
            return pages.render(200, "login", null, Map.of("signInOn", users.any()), Map.of());
        }
        if (!request.sameOrigin()) {
            return ConsolePages.plain(403, "Sign in from the console's own page");
        }
        return users.signIn(request.field("token")).map(user -> {
            ConsoleSessions.Session session = sessions.open(user);
            LOG.info("Console: {} signed in ({})", user.name(), user.role().label());
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Location", "/console");
            headers.put("Set-Cookie", cookie(session.id(), sessions.lifetime().toSeconds()));
            return new Response(303, "text/plain", new byte[0], ConsolePages.secured(headers));
        }).orElseGet(() -> pages.render(401, "login", null, Map.of("signInOn", users.any(), "error",
                "That token signs no one in. Use the admin token or your own console token"), Map.of()));
    }

    private Response signOut(ConsoleRequest request) {
        if (!request.post()) {
            return ConsolePages.plain(405, "Use POST");
        }
        ConsoleSessions.Session session = sessions.find(request.cookie(COOKIE)).orElse(null);
        if (session != null && session.csrfMatches(request.field("csrf"))) {
            sessions.close(session.id());
        }
        return new Response(303, "text/plain", new byte[0], Map.of("Location", "/console/login", "Set-Cookie", cookie("", 0)));
    }

    private String cookie(String value, long maxAgeSeconds) {
        return COOKIE + "=" + value + "; Path=/console; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secureCookie ? "; Secure" : "");
    }

    private static Response asset(String resource, String type) {
        try (InputStream in = Console.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return ConsolePages.plain(404, "No such file");
            }
            return new Response(200, type + "; charset=utf-8", in.readAllBytes(), Map.of("Cache-Control", "max-age=3600"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** htmx from its webjar, at the version the build put on the classpath. */
    private static String htmxPath() {
        try (InputStream in = Console.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/htmx.org/pom.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return "META-INF/resources/webjars/htmx.org/" + properties.getProperty("version", "") + "/dist/htmx.min.js";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
