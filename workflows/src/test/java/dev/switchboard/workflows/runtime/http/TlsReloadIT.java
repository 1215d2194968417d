package dev.switchboard.workflows.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.schemas.spi.HttpIngress.Response;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PEM files: the listener serves the certificate in the files, and when the files are
 * replaced, the next connection gets the new certificate without a restart. Certificates are made by
 * the JDK's keytool and written out as PEM.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsReloadIT {

    private static final ListenerSpec.Limits LIMITS = new ListenerSpec.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(30), 50, 2, 2);

    @TempDir
    Path dir;

    private Vertx vertx;
    private HttpListener listener;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setUseDaemonThread(true));
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.stop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void should_serve_the_new_certificate_to_the_next_connection_when_the_pem_files_are_replaced() throws Exception {
        // given a listener on the certificate of "first"
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        writePem(selfSigned("first"), cert, key);
        listener = new HttpListener(new ListenerSpec("http", "127.0.0.1", 0, 1_000_000, LIMITS, null, new TlsFiles(cert, key)),
                new SimpleMeterRegistry());
        listener.route("/hook", 100, request -> Response.json(200, "{}"));
        listener.start(vertx);
        assertThat(serverName()).isEqualTo("CN=first");
        assertThat(get("/hook")).startsWith("HTTP/1.1 200");

        // when the files are replaced, as a renewal or a Kubernetes Secret update does
        Path next = Files.createDirectory(dir.resolve("next"));
        writePem(selfSigned("second"), next.resolve("tls.crt"), next.resolve("tls.key"));
        Files.move(next.resolve("tls.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(next.resolve("tls.crt"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        // then a new connection sees the new certificate, and requests still work
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> serverName().equals("CN=second"));
        assertThat(get("/hook")).startsWith("HTTP/1.1 200");
    }

    @Test
    void should_keep_the_certificate_when_the_new_files_are_not_a_pair() throws Exception {
        // given
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        writePem(selfSigned("first"), cert, key);
        listener = new HttpListener(new ListenerSpec("http", "127.0.0.1", 0, 1_000_000, LIMITS, null, new TlsFiles(cert, key)),
                new SimpleMeterRegistry());
        listener.start(vertx);

        // when only the certificate is replaced, by one the key does not belong to
        Path other = Files.createDirectory(dir.resolve("other"));
        writePem(selfSigned("stray"), other.resolve("tls.crt"), other.resolve("tls.key"));
        Files.copy(other.resolve("tls.crt"), cert, StandardCopyOption.REPLACE_EXISTING);

        // then connections still get the old certificate, through more than two checks of the files
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> serverName().equals("CN=first"));
    }

    @Test
    void should_refuse_to_start_with_a_message_naming_the_option_when_a_file_is_missing() {
        // given
        listener = new HttpListener(new ListenerSpec("admin", "127.0.0.1", 0, 1_000_000, LIMITS, null,
                new TlsFiles(dir.resolve("missing.crt"), dir.resolve("missing.key"))), new SimpleMeterRegistry());

        // then
        assertThatThrownBy(() -> listener.start(vertx))
                .hasMessageStartingWith("Unreadable PEM file at admin.tls.cert_file: got '" + dir.resolve("missing.crt") + "'");
        listener = null;
    }

    private String serverName() throws Exception {
        try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", listener.port())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private String get(String path) throws Exception {
        try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", listener.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    /** A self-signed RSA key and certificate for {@code CN=name}, made by keytool. */
    private KeyStore.PrivateKeyEntry selfSigned(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name, "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        return (KeyStore.PrivateKeyEntry) keyStore.getEntry("server", new KeyStore.PasswordProtection("changeit".toCharArray()));
    }

    private static void writePem(KeyStore.PrivateKeyEntry entry, Path cert, Path key) throws Exception {
        Files.writeString(cert, pem("CERTIFICATE", entry.getCertificate().getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", entry.getPrivateKey().getEncoded()));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
