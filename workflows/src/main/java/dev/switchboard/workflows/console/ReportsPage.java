package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code /console/reports}: the evaluation and replay reports in the configured folders, newest first;
 * one opens as text, or, for an HTML report, in a sandbox (no script runs, no request leaves).
 */
public final class ReportsPage implements ConsolePage {

    private static final int SMALL = 64 * 1024;
    private static final int MAX_LISTED = 200;
    /** An HTML report may style itself, but runs nothing and loads nothing. */
    private static final String REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    /** One report file: its folder's index and its path inside that folder. */
    public record Report(int folder, String path, String modified, long size) {
    }

    private final List<Path> folders;

    public ReportsPage(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console/reports", SMALL, console.page(Role.VIEWER, (request, session) ->
                console.render(request, session, "reports", null, Map.of("reports", reports(), "folders",
                        folders.stream().map(Path::toString).toList()))));
        http.route("/console/reports/open", SMALL, console.page(Role.VIEWER, (request, session) -> open(request)));
    }

    private List<Report> reports() throws IOException {
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i < folders.size(); i++) {
            Path folder = folders.get(i);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(folder, 4)) {
                for (Path file : files.filter(ReportsPage::isReport).toList()) {
                    reports.add(new Report(i, folder.relativize(file).toString(), Files.getLastModifiedTime(file).toString(), Files.size(file)));
                }
            }
        }
        reports.sort(java.util.Comparator.comparing(Report::modified).reversed());
        return reports.size() > MAX_LISTED ? reports.subList(0, MAX_LISTED) : reports;
    }

    private Response open(ConsoleRequest request) throws IOException {
        int index;
        try {
            index = Integer.parseInt(request.field("folder"));
        } catch (NumberFormatException e) {
            return ConsolePages.plain(400, "Bad folder: got '" + request.field("folder") + "', expected the index the list gives");
        }
        String name = request.field("path");
        if (index < 0 || index >= folders.size() || name == null) {
            return ConsolePages.plain(404, "No such report");
        }
        Path folder = folders.get(index).toAbsolutePath().normalize();
        Path file = folder.resolve(name).normalize();
        // only files of the listed folders, never a path that climbs out of them
        if (!file.startsWith(folder) || !Files.isRegularFile(file) || !isReport(file)) {
            return ConsolePages.plain(404, "No such report");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (file.toString().endsWith(".html")) {
            return new Response(200, "text/html; charset=utf-8", bytes, Map.of("Content-Security-Policy", REPORT_CSP,
                    "Cache-Control", "no-store", "X-Frame-Options", "DENY"));
        }
        return new Response(200, "text/plain; charset=utf-8", bytes, ConsolePages.secured(Map.of()));
    }

    private static boolean isReport(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".html") || name.endsWith(".md") || name.endsWith(".json"));
    }
}
