package dev.switchboard.workflows.runtime.http;

import dev.switchboard.schemas.spi.HttpIngress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP listener of the engine (Vert.x on Netty): the public one for webhooks, or the admin one for
 * health, metrics and the admin API. Paths match exactly. Connections are read on event-loop threads
 * and bounded by a {@link ConnectionGuard}; a request's body is read there too, up to its route's
 * limit (413 before any handler runs); only a complete request goes to a handler, on a bounded pool
 * of worker threads ({@link HttpIngress#routeInline inline} routes excepted); an
 * {@link HttpIngress#routeAsync asynchronous} handler gives its worker back while its answer is pending. With TLS, the certificate
 * and key are read again when their files change.
 */
public final class HttpListener implements HttpIngress {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    private static final long TLS_CHECK_MILLIS = 2000;
    /** Longer than any handler should take, so Vert.x's blocked-thread warnings mean something. */
    private static final long MAX_HANDLER_MINUTES = 5;

    /** A handler with the largest body it takes, and whether it runs on the event loop (then it answers at once). */
    record Route(int maxBodyBytes, AsyncHandler handler, boolean inline) {
    }

    private final ListenerSpec spec;
    private final MeterRegistry registry;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final AtomicReference<TlsFiles.Contents> tlsApplied = new AtomicReference<>();
    private volatile HttpServer server;
    private WorkerExecutor workers;
    private long tlsTimer = -1;
    private Vertx vertx;

    public HttpListener(ListenerSpec spec, MeterRegistry registry) {
        this.spec = spec;
        this.registry = registry;
    }

    public String name() {
        return spec.name();
    }

    @Override
    public void route(String path, int maxBodyBytes, Handler handler) {
        add(path, new Route(Math.min(maxBodyBytes, spec.maxBodyBytes()), answeredAtOnce(handler), false));
    }

    @Override
    public void routeAsync(String path, int maxBodyBytes, AsyncHandler handler) {
        add(path, new Route(Math.min(maxBodyBytes, spec.maxBodyBytes()), handler, false));
    }

    @Override
    public void routeInline(String path, Handler handler) {
        add(path, new Route(Math.min(64 * 1024, spec.maxBodyBytes()), answeredAtOnce(handler), true));
    }

    private static AsyncHandler answeredAtOnce(Handler handler) {
        return request -> CompletableFuture.completedFuture(handler.handle(request));
    }

    private void add(String path, Route route) {
        if (routes.putIfAbsent(path, route) != null) {
            throw new IllegalArgumentException("Two handlers for HTTP path " + path + " on the " + spec.name()
                    + " listener: give each source its own path");
        }
    }

    /** Binds and serves on {@code vertx}; routes may be added before and after. */
    public synchronized void start(Vertx vertx) {
        this.vertx = vertx;
        ListenerSpec.Limits limits = spec.limits();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(spec.host())
                .setPort(spec.port())
                .setTcpNoDelay(true)
                // HTTP/1.1 only: the connection guard's timers follow one request at a time on a connection
                .setHttp2ClearTextEnabled(false)
                .setUseAlpn(false)
                .setIdleTimeout((int) limits.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setHandle100ContinueAutomatically(false)
                .setDecompressionSupported(false)
                .setCompressionSupported(false);
        if (spec.tls() != null) {
            TlsFiles.Contents contents = spec.tls().read(spec.name());
            contents.verify(vertx, spec.name());
            options.setSsl(true).setKeyCertOptions(contents.options())
                    .setSslHandshakeTimeout(limits.headerTimeout().toMillis()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
            tlsApplied.set(contents);
        }
        ConnectionGuard guard = new ConnectionGuard(vertx, limits.headerTimeout(), limits.bodyTimeout(), limits.maxConnections(),
                this::refused);
        Gauge.builder("switchboard.http.connections", guard, ConnectionGuard::open).description("Open connections of a listener")
                .tag("listener", spec.name()).register(registry);
        workers = vertx.createSharedWorkerExecutor("switchboard-http-" + spec.name(), limits.workerThreads(), MAX_HANDLER_MINUTES,
                TimeUnit.MINUTES);
        RequestExchange exchange = new RequestExchange(spec, routes::get, guard, workers,
                limits.workerThreads() + limits.maxQueuedRequests(), this::refused);
        HttpServer created = vertx.createHttpServer(options).connectionHandler(guard::accepted).requestHandler(exchange::handle);
        try {
            server = created.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            workers.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Cannot listen at " + spec.name() + ".port: got '" + spec.host() + ":" + spec.port()
                    + "', expected a free address (" + cause.getMessage() + "). Choose another port, or stop what listens there", cause);
        }
        if (spec.tls() != null) {
            tlsTimer = vertx.setPeriodic(TLS_CHECK_MILLIS, id -> vertx.executeBlocking(this::reloadTls, false));
        }
        LOG.info("{} HTTP listener on {}:{}{}", spec.name(), spec.host(), port(), spec.tls() != null ? " (TLS)" : "");
    }

    private void refused(String reason) {
        refusals.computeIfAbsent(reason, key -> Counter.builder("switchboard.http.refused")
                .description("Connections and requests a listener refused or cut off, by reason")
                .tag("listener", spec.name()).tag("reason", key).register(registry)).increment();
    }

    /** Applies the certificate and key again when their files changed; a broken pair is logged once and the old one kept. */
    private Void reloadTls() {
        TlsFiles.Contents current;
        try {
            current = spec.tls().read(spec.name());
        } catch (IllegalStateException e) {
            LOG.debug("TLS files of the {} listener not readable now: {}", spec.name(), e.getMessage());
            return null;
        }
        TlsFiles.Contents applied = tlsApplied.get();
        if (current.sameAs(applied)) {
            return null;
        }
        tlsApplied.set(current);
        try {
            // a renewal writes two files: between them the pair does not match, and the old one stays until it does
            current.verify(vertx, spec.name());
            server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(current.options()), true)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.info("{} HTTP listener: new TLS certificate from {}", spec.name(), spec.tls().certFile());
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.warn("{} HTTP listener keeps its TLS certificate: the new files at {} and {} do not form a certificate and key ({})",
                    spec.name(), spec.tls().certFile(), spec.tls().keyFile(), cause.toString());
        }
        return null;
    }

    /** The port it listens on, once started; -1 before. */
    public int port() {
        HttpServer current = server;
        return current == null ? -1 : current.actualPort();
    }

    public synchronized void stop() {
        if (tlsTimer >= 0) {
            vertx.cancelTimer(tlsTimer);
            tlsTimer = -1;
        }
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Closing the {} HTTP listener: {}", spec.name(), e.toString());
            }
            server = null;
        }
        if (workers != null) {
            workers.close();
            workers = null;
        }
    }
}
