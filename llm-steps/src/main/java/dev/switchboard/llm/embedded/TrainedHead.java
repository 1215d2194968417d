package dev.switchboard.llm.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier head trained on sentence embeddings: {@code softmax(W2 · relu(W1 · s·x + b1) + b2) / T}
 * with one hidden layer, or {@code softmax(W · s·x + b) / T} when {@code hidden} is 0, where {@code x}
 * is the unit embedding, {@code s} the input scale and {@code T} the calibrated temperature.
 *
 * <p>The file ({@code .head}) is versioned: a magic line, the format version, a JSON header (embedding
 * model, labels, shapes, temperature, how it was trained) and the weights as little-endian float32.
 * {@link #version()} hashes what changes an answer (model, labels, shapes, temperature, weights), not
 * the training notes, so retraining to the same weights keeps the version.
 */
public final class TrainedHead {

    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "SWITCHBOARD-HEAD\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String embeddingModel;
    private final List<String> labels;
    private final int dimension;
    private final int hidden;
    private final float inputScale;
    private final double temperature;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;
    private final Map<String, Object> training;
    private final String version;

    /**
     * @param w1 {@code dimension × hidden}, input-major (row {@code d} holds the weights from input {@code d});
     *           for a linear head ({@code hidden} 0) it is empty and {@code w2} reads the input directly
     * @param w2 {@code labels × width}, label-major, where width is {@code hidden} or {@code dimension}
     */
    public TrainedHead(String embeddingModel, List<String> labels, int dimension, int hidden, float inputScale, double temperature,
                       float[] w1, float[] b1, float[] w2, float[] b2, Map<String, Object> training) {
        if (labels.size() < 2 || labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("A head needs at least two distinct labels, got " + labels);
        }
        int width = hidden == 0 ? dimension : hidden;
        if (w1.length != (long) dimension * hidden || b1.length != hidden || w2.length != (long) labels.size() * width
                || b2.length != labels.size()) {
            throw new IllegalArgumentException("Weight shapes do not match " + labels.size() + " labels, dimension "
                    + dimension + " and hidden " + hidden);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("Temperature must be positive, got " + temperature);
        }
        this.embeddingModel = embeddingModel;
        this.labels = List.copyOf(labels);
        this.dimension = dimension;
        this.hidden = hidden;
        this.inputScale = inputScale;
        this.temperature = temperature;
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
        this.training = training == null ? Map.of() : Map.copyOf(training);
        this.version = hash();
    }

    public String embeddingModel() {
        return embeddingModel;
    }

    public List<String> labels() {
        return labels;
    }

    public int dimension() {
        return dimension;
    }

    public int hidden() {
        return hidden;
    }

    public double temperature() {
        return temperature;
    }

    public float inputScale() {
        return inputScale;
    }

    /** How it was trained: data, settings, held-out figures. For people; not part of the version. */
    public Map<String, Object> training() {
        return training;
    }

    /** {@code head-} and 12 hex digits of SHA-256 over model, labels, shapes, temperature and weights. */
    public String version() {
        return version;
    }

    /** The same head with another temperature. */
    public TrainedHead withTemperature(double temperature, Map<String, Object> training) {
        return new TrainedHead(embeddingModel, labels, dimension, hidden, inputScale, temperature, w1, b1, w2, b2, training);
    }

    /** The same head with other training notes. */
    public TrainedHead withTraining(Map<String, Object> training) {
        return new TrainedHead(embeddingModel, labels, dimension, hidden, inputScale, temperature, w1, b1, w2, b2, training);
    }

    /** Raw scores before the temperature, one per label. */
    public double[] logits(float[] unitVector) {
        if (unitVector.length != dimension) {
            throw new IllegalArgumentException("Expected a vector of " + dimension + " values, got " + unitVector.length);
        }
        float[] features = unitVector;
        int width = dimension;
        if (hidden > 0) {
            float[] h = Arrays.copyOf(b1, hidden);
            for (int d = 0; d < dimension; d++) {
                float x = unitVector[d] * inputScale;
                int row = d * hidden;
                for (int j = 0; j < hidden; j++) {
                    h[j] += x * w1[row + j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                h[j] = Math.max(0, h[j]);
            }
            features = h;
            width = hidden;
        }
        float scale = hidden > 0 ? 1 : inputScale;
        double[] z = new double[labels.size()];
        for (int c = 0; c < z.length; c++) {
            double sum = 0;
            int row = c * width;
            for (int j = 0; j < width; j++) {
                sum += w2[row + j] * features[j];
            }
            z[c] = sum * scale + b2[c];
        }
        return z;
    }

    /** Calibrated probabilities, one per label, in {@link #labels()} order. */
    public double[] probabilities(float[] unitVector) {
        return softmax(logits(unitVector), temperature);
    }

    public static double[] softmax(double[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    public void write(Path file) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format_version", FORMAT_VERSION);
        header.put("version", version);
        header.put("embedding_model", embeddingModel);
        header.put("dimension", dimension);
        header.put("hidden", hidden);
        header.put("activation", hidden > 0 ? "relu" : "none");
        header.put("input_scale", inputScale);
        header.put("temperature", temperature);
        header.put("weights", "float32 little-endian: w1 (dimension x hidden), b1, w2 (labels x width), b2");
        header.put("labels", labels);
        header.put("training", training);
        byte[] json = JSON.writeValueAsBytes(header);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(json.length);
            out.write(json);
            out.write(floats(w1, b1, w2, b2));
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, bytes.toByteArray());
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public static TrainedHead read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    public static TrainedHead read(InputStream raw, String name) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(name + " is not a Switchboard head file. Create one with `switchboard train`");
        }
        try {
            return read(in, name, header(in, name));
        } catch (java.io.EOFException e) {
            throw new IOException(name + " is truncated or corrupt: it ends inside its header. Retrain it with `switchboard train`", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> header(DataInputStream in, String name) throws IOException {
        int format = in.readInt();
        if (format != FORMAT_VERSION) {
            throw new IOException(name + " has head format " + format + ", expected " + FORMAT_VERSION
                    + ". Retrain it with this version's `switchboard train`");
        }
        int length = in.readInt();
        if (length < 0 || length > 16 * 1024 * 1024) {
            throw new IOException(name + " is corrupt: a header of " + length + " bytes. Retrain it with `switchboard train`");
        }
        byte[] json = new byte[length];
        in.readFully(json);
        return JSON.readValue(json, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static TrainedHead read(DataInputStream in, String name, Map<String, Object> header) throws IOException {
        int dimension = ((Number) header.get("dimension")).intValue();
        int hidden = ((Number) header.get("hidden")).intValue();
        List<String> labels = (List<String>) header.get("labels");
        int width = hidden == 0 ? dimension : hidden;
        float[] w1 = new float[dimension * hidden];
        float[] b1 = new float[hidden];
        float[] w2 = new float[labels.size() * width];
        float[] b2 = new float[labels.size()];
        byte[] weights = in.readAllBytes();
        if (weights.length != 4L * (w1.length + b1.length + w2.length + b2.length)) {
            throw new IOException(name + " is truncated or corrupt: " + weights.length + " bytes of weights for "
                    + labels.size() + " labels. Retrain it with `switchboard train`");
        }
        var buffer = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        buffer.get(w1).get(b1).get(w2).get(b2);
        Map<String, Object> training = (Map<String, Object>) header.getOrDefault("training", Map.of());
        TrainedHead head = new TrainedHead((String) header.get("embedding_model"), labels, dimension, hidden,
                ((Number) header.get("input_scale")).floatValue(), ((Number) header.get("temperature")).doubleValue(),
                w1, b1, w2, b2, training);
        Object recorded = header.get("version");
        if (recorded != null && !recorded.equals(head.version())) {
            throw new IOException(name + " is corrupt: its content hashes to " + head.version() + " but it says "
                    + recorded + ". Retrain it with `switchboard train`");
        }
        return head;
    }

    private static byte[] floats(float[]... arrays) {
        int count = 0;
        for (float[] array : arrays) {
            count += array.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] array : arrays) {
            buffer.asFloatBuffer().put(array);
            buffer.position(buffer.position() + 4 * array.length);
        }
        return buffer.array();
    }

    private String hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((embeddingModel + "\0" + String.join("\0", labels) + "\0" + dimension + "\0" + hidden + "\0"
                    + inputScale + "\0" + temperature).getBytes(StandardCharsets.UTF_8));
            sha.update(floats(w1, b1, w2, b2));
            return "head-" + HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
