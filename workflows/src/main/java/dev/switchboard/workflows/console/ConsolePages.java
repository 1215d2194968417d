package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * The console's HTML, from Thymeleaf templates under {@code console/templates}. Templates only read
 * what they are given and {@code th:text} escapes it, so an event's {@code <script>} shows as text.
 * Every page goes out with a Content-Security-Policy that runs scripts from the console alone, and
 * none inline.
 */
public final class ConsolePages {

    /** Scripts, styles and requests from the console itself only; no inline script, no framing, forms post back here. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine engine = new TemplateEngine();

    public ConsolePages() {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(ConsolePages.class.getClassLoader());
        resolver.setPrefix("console/templates/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        engine.setTemplateResolver(resolver);
    }

    /** A whole page, or with {@code fragment} one of its fragments (an htmx partial update). */
    public Response render(int status, String template, String fragment, Map<String, Object> model, Map<String, String> headers) {
        Context context = new Context(Locale.ROOT, model);
        String html = fragment == null ? engine.process(template, context) : engine.process(template, Set.of(fragment), context);
        return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), secured(headers));
    }

    /** A short answer in plain text, e.g. a refused change that no page sent. */
    static Response plain(int status, String message) {
        return new Response(status, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8), secured(Map.of()));
    }

    static Map<String, String> secured(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Security-Policy", CSP);
        all.put("Cache-Control", "no-store");
        // not no-referrer: with it the browser sends "Origin: null" on the console's own form posts
        all.put("Referrer-Policy", "same-origin");
        all.put("X-Frame-Options", "DENY");
        return all;
    }
}
