package dev.switchboard.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.connectors.http.SigningSecret;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP sink talks to a plain-http endpoint in HTTP/1.1, without offering an upgrade to h2c: the
 * JDK client's default sends {@code Upgrade: h2c} and {@code HTTP2-Settings}, which proxies and
 * small servers answer badly (a 400, a dropped body, a hang). The endpoint here is a socket that
 * records the request head byte for byte, so nothing between the sink and the assertion can hide a header.
 */
class PlainHttpVersionIT {

    @TempDir
    Path dir;

    private ServerSocket server;
    private Thread acceptor;
    private final List<String> heads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "recording-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5000);
    }

    @Test
    void should_send_http_1_1_without_an_upgrade_when_the_endpoint_is_plain_http() {
        // given a webhook sink to a plain-http endpoint
        String url = "http://127.0.0.1:" + server.getLocalPort() + "/hook";
        WebhookSinkFactory.Options options = new WebhookSinkFactory.Options(url, null, Map.of(), new SigningSecret(null, null), new HttpTimeout(5));

        // when
        DeliveryResult result;
        try (TaskSink sink = new WebhookSinkFactory().create("hook", options,
                SinkTesting.Environment.of(dir, Set.of("127.0.0.1:" + server.getLocalPort()), Map.of()))) {
            result = sink.deliver(SinkTesting.task("evt-http11"));
        }

        // then the request line says HTTP/1.1 and no header offers another protocol
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("HTTP 200"));
        assertThat(heads).singleElement().satisfies(head -> {
            List<String> lines = head.lines().toList();
            assertThat(lines.get(0)).isEqualTo("POST /hook HTTP/1.1");
            List<String> names = lines.subList(1, lines.size()).stream()
                    .map(line -> line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT)).toList();
            assertThat(names).doesNotContain("upgrade", "http2-settings");
            assertThat(head.toLowerCase(Locale.ROOT)).doesNotContain("h2c");
        });
    }

    /** Records each request head, reads the body its Content-Length announces, answers 200 and closes. */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                heads.add(head);
                int length = head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                        .mapToInt(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElse(0);
                in.readNBytes(length);
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                break;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, Math.max(0, text.length() - 4));
    }
}
