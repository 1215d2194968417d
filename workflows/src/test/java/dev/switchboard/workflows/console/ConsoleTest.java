package dev.switchboard.workflows.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Request;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sign-in, sessions, CSRF and roles of the console, without a browser or an engine. */
class ConsoleTest {

    private static final String HOST = "127.0.0.1:8081";

    private final Map<String, HttpIngress.Handler> routes = new HashMap<>();
    private final ConsoleUsers users = ConsoleUsers.load("admin-token-1", null);

    ConsoleTest() {
        HttpIngress http = (path, maxBodyBytes, handler) -> routes.put(path, handler);
        new Console(users, new ConsoleSessions(Duration.ofMinutes(5), Clock.systemUTC()), new ConsolePages(), true)
                .register(http, (console, ingress) -> {
                    ingress.route("/console/poke", 1024,
                            console.change(Role.OPERATOR, (request, session) -> ConsolePages.plain(200, "poked by " + session.user().name())));
                    ingress.route("/console/look", 1024, console.page(Role.VIEWER, (request, session) ->
                            console.render(request, session, "refused", null, Map.of("message", "a page"))));
                });
    }

    @Test
    void should_set_a_secure_http_only_strict_cookie_when_the_token_signs_someone_in() throws Exception {
        // when the admin token is posted to the sign-in form
        Response answer = post("/console/login", "token=admin-token-1", null);

        // then a session cookie comes back, kept from scripts and other sites
        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.headers().get("Set-Cookie")).startsWith(Console.COOKIE + "=").contains("HttpOnly", "SameSite=Strict", "Secure");
        assertThat(answer.headers().get("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe-inline");
    }

    @Test
    void should_show_the_sign_in_page_again_when_the_token_is_wrong() throws Exception {
        Response answer = post("/console/login", "token=wrong", null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("That token signs no one in");
    }

    @Test
    void should_refuse_a_change_when_the_csrf_token_is_missing_and_allow_it_with_the_token() throws Exception {
        // given a signed-in session and its CSRF token, read from a page
        String cookie = post("/console/login", "token=admin-token-1", null).headers().get("Set-Cookie").split(";")[0];
        String page = new String(get("/console/look", cookie).body(), StandardCharsets.UTF_8);
        String csrf = page.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");

        // then a change without the token is refused, and with it goes through
        assertThat(csrf).hasSizeGreaterThan(20);
        assertThat(post("/console/poke", "", cookie).status()).isEqualTo(403);
        assertThat(post("/console/poke", "csrf=" + csrf.substring(1), cookie).status()).isEqualTo(403);
        Response allowed = post("/console/poke", "csrf=" + csrf, cookie);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(new String(allowed.body(), StandardCharsets.UTF_8)).isEqualTo("poked by admin");
    }

    private Response post(String path, String form, String cookie) throws Exception {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("host", List.of(HOST));
        headers.put("origin", List.of("http://" + HOST));
        headers.put("content-type", List.of("application/x-www-form-urlencoded"));
        if (cookie != null) {
            headers.put("cookie", List.of(cookie));
        }
        return routes.get(path).handle(new Request("POST", path, headers, Map.of(), form.getBytes(StandardCharsets.UTF_8), "127.0.0.1"));
    }

    private Response get(String path, String cookie) throws Exception {
        return routes.get(path).handle(new Request("GET", path, Map.of("host", List.of(HOST), "cookie", List.of(cookie)),
                Map.of(), new byte[0], "127.0.0.1"));
    }
}
