package dev.switchboard.workflows.runtime.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.Arrays;
import java.util.Map;
import javax.net.ssl.X509KeyManager;

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

        /**
         * Checks that the key belongs to the first certificate, by signing with one and verifying with the
         * other: neither Netty nor the JDK checks that, and a mismatched pair fails every handshake.
         */
        public void verify(Vertx vertx, String listener) {
            Boolean matches;
            try {
                matches = keyMatchesCertificate((X509KeyManager) options().getKeyManagerFactory(vertx).getKeyManagers()[0]);
            } catch (Exception e) {
                throw new IllegalStateException("Unreadable certificate or key at " + listener + ".tls: " + e.getMessage()
                        + ". Check that cert_file holds PEM certificates and key_file a PEM private key", e);
            }
            if (matches == null) {
                throw new IllegalStateException("No usable key at " + listener + ".tls.key_file: expected an RSA, EC or Ed25519 private key");
            }
            if (!matches) {
                throw new IllegalStateException("Key and certificate do not match at " + listener + ".tls: the key in key_file does not "
                        + "belong to the first certificate in cert_file. Write the certificate and its own key");
            }
        }

        /** Whether the key signs what the certificate's public key verifies; null when no key of a known type is there. */
        private static Boolean keyMatchesCertificate(X509KeyManager keys) throws GeneralSecurityException {
            for (Map.Entry<String, String> type : KEY_TYPES.entrySet()) {
                String[] aliases = keys.getServerAliases(type.getKey(), null);
                if (aliases == null || aliases.length == 0) {
                    continue;
                }
                Signature signer = Signature.getInstance(type.getValue());
                signer.initSign(keys.getPrivateKey(aliases[0]));
                signer.update(PROBE);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance(type.getValue());
                verifier.initVerify(keys.getCertificateChain(aliases[0])[0].getPublicKey());
                verifier.update(PROBE);
                return verifier.verify(signature);
            }
            return null;
        }
    }

    private static final byte[] PROBE = "switchboard-tls-pair-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Map<String, String> KEY_TYPES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA", "EdDSA", "Ed25519");

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
