package dev.switchboard.workflows.runtime.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A listener's PEM certificate and key. The engine reads the bytes itself, so it can tell when either
 * file has changed (a renewed certificate, a Kubernetes Secret whose link was swapped) by their content.
 */
public record TlsFiles(Path certFile, Path keyFile) {

    /** Both files' bytes and a digest of them, to compare with the last ones applied. */
    public record Contents(byte[] cert, byte[] key, byte[] digest) {

        public boolean sameAs(Contents other) {
            return other != null && Arrays.equals(digest, other.digest);
        }

        public PemKeyCertOptions options() {
            return new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key));
        }
    }

    /** Reads both files; the message of a failure names the file and how to fix it. */
    public Contents read(String listener) {
        byte[] cert = readPem(certFile, listener + ".tls.cert_file", "CERTIFICATE");
        byte[] key = readPem(keyFile, listener + ".tls.key_file", "PRIVATE KEY");
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(cert);
            digest.update((byte) 0);
            digest.update(key);
            return new Contents(cert, key, digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readPem(Path file, String path, String label) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable PEM file at " + path + ": got '" + file + "' (" + e.getClass().getSimpleName()
                    + "), expected a readable file. Check the path, relative to switchboard.yaml, and the file's permissions");
        }
        if (!new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).contains(label + "-----")) {
            throw new IllegalStateException("Not a PEM " + label.toLowerCase(java.util.Locale.ROOT) + " at " + path + ": got '" + file
                    + "', expected a file with a '-----BEGIN ..." + label + "-----' block. Convert it with openssl, e.g. "
                    + "openssl pkcs12 -in bundle.p12 -nodes -out server.pem");
        }
        return bytes;
    }
}
