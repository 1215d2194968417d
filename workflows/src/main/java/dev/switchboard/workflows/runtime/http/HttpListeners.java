package dev.switchboard.workflows.runtime.http;

import dev.switchboard.workflows.config.AdminSettings;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.HttpSettings;
import dev.switchboard.workflows.runtime.Service;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's two listeners as one service, on one Vert.x instance of their own: the public listener
 * ({@code http:}) where webhook sources receive, and the admin listener ({@code admin:}) for health,
 * metrics and the admin API. Either may be off; both are created before they start, so services can
 * register routes on them, and bound when this service starts.
 */
public final class HttpListeners implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListeners.class);
    /** Reading and writing connections is little work: two threads carry thousands of connections. */
    private static final int EVENT_LOOPS = 2;
    private static final int ADMIN_MAX_BODY_BYTES = 1024 * 1024;

    private final HttpListener publicListener;
    private final HttpListener adminListener;
    private Vertx vertx;

    public HttpListeners(EngineConfig config, MeterRegistry registry) {
        HttpSettings http = config.http();
        AdminSettings admin = config.admin();
        this.publicListener = http.enabled()
                ? new HttpListener(new ListenerSpec("http", http.host(), http.port(), http.maxBodyBytes(),
                        ListenerSpec.Limits.of(http.listener()), null, ListenerSpec.tlsFiles(http.listener(), config.baseDir())), registry)
                : null;
        int adminPort = admin.effectivePort(http);
        this.adminListener = adminPort >= 0
                ? new HttpListener(new ListenerSpec("admin", admin.host(), adminPort, ADMIN_MAX_BODY_BYTES,
                        ListenerSpec.Limits.of(admin.listener()), new AllowedHosts(admin.allowedHosts()),
                        ListenerSpec.tlsFiles(admin.listener(), config.baseDir())), registry)
                : null;
    }

    /** Whether any listener is on. */
    public boolean any() {
        return publicListener != null || adminListener != null;
    }

    /** The public listener, or null when {@code http.port} is -1. */
    public HttpListener publicListener() {
        return publicListener;
    }

    /** The admin listener, or null when it is off. */
    public HttpListener adminListener() {
        return adminListener;
    }

    @Override
    public synchronized void start() {
        vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(EVENT_LOOPS)
                .setUseDaemonThread(true)
                // the listeners serve no files: nothing to cache, and nothing written under the working directory
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        List<HttpListener> started = new ArrayList<>();
        try {
            for (HttpListener listener : listeners()) {
                listener.start(vertx);
                started.add(listener);
            }
        } catch (RuntimeException e) {
            started.forEach(HttpListener::stop);
            closeVertx();
            throw e;
        }
    }

    private List<HttpListener> listeners() {
        List<HttpListener> listeners = new ArrayList<>();
        if (publicListener != null) {
            listeners.add(publicListener);
        }
        if (adminListener != null) {
            listeners.add(adminListener);
        }
        return listeners;
    }

    @Override
    public synchronized void stop() {
        listeners().forEach(HttpListener::stop);
        closeVertx();
    }

    private void closeVertx() {
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Closing the HTTP listeners' Vert.x: {}", e.toString());
            }
            vertx = null;
        }
    }
}
