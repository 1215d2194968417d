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
 * A classifier head trained on sentence embeddings: {@code softmax(z / T)}, where {@code z} are the raw scores of
 * its {@link HeadNetwork} and {@code T} the calibrated temperature. A head of several networks reads the vectors of
 * one or several encoders side by side ({@link JoinedEncoder}), one network or more per encoder (trained from other
 * seeds), and its raw scores are the log of the mean of their probabilities: encoders trained differently make
 * different mistakes, and so, less often, do networks trained from other seeds; averaging their answers corrects some
 * of them.
 *
 * <p>The file ({@code .head}) is versioned: a magic line, the format version, a JSON header (encoder, labels, shapes,
 * temperature, how it was trained) and the weights as little-endian float32. Format 1 holds one network; format 2
 * several. {@link #version()} hashes what changes an answer (encoders, labels, shapes, temperature, weights), not
 * the training notes, so retraining to the same weights keeps the version.
 */
public final class TrainedHead {

    public static final int FORMAT_VERSION = 1;
    /** The format of a head with several networks. */
    public static final int ENSEMBLE_FORMAT_VERSION = 2;
    /** The format of a head that carries the fine-tuned weights of one or more of its encoders ({@link TunedWeights}). */
    public static final int TUNED_FORMAT_VERSION = 3;
    private static final byte[] MAGIC = "SWITCHBOARD-HEAD\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> labels;
    private final double temperature;
    private final List<HeadNetwork> networks;
    private final Map<String, Object> training;
    /** Fine-tuned weights by the name of the encoder they tune; empty when every encoder runs as shipped. */
    private final Map<String, TunedWeights> tuned;
    private final String version;

    /** A head of one network; see {@link HeadNetwork} for the shapes. */
    public TrainedHead(String embeddingModel, List<String> labels, int dimension, int hidden, float inputScale, double temperature,
                       float[] w1, float[] b1, float[] w2, float[] b2, Map<String, Object> training) {
        this(labels, temperature, List.of(new HeadNetwork(embeddingModel, dimension, hidden, inputScale, w1, b1, w2, b2)), training);
    }

    public TrainedHead(List<String> labels, double temperature, List<HeadNetwork> networks, Map<String, Object> training) {
        this(labels, temperature, networks, training, Map.of());
    }

    /** A head whose networks read encoders of which some run with fine-tuned weights, by encoder name. */
    public TrainedHead(List<String> labels, double temperature, List<HeadNetwork> networks, Map<String, Object> training,
                       Map<String, TunedWeights> tuned) {
        if (labels.size() < 2 || labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("A head needs at least two distinct labels, got " + labels);
        }
        if (networks.isEmpty() || networks.stream().anyMatch(network -> network.labels() != labels.size())) {
            throw new IllegalArgumentException("Weight shapes do not match " + labels.size() + " labels");
        }
        for (HeadNetwork network : networks) {
            if (network.dimension() != networks.stream().filter(other -> other.encoder().equals(network.encoder())).findFirst().orElseThrow().dimension()) {
                throw new IllegalArgumentException("Networks on encoder " + network.encoder() + " read vectors of different dimensions");
            }
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("Temperature must be positive, got " + temperature);
        }
        this.labels = List.copyOf(labels);
        this.temperature = temperature;
        this.networks = List.copyOf(networks);
        this.training = training == null ? Map.of() : Map.copyOf(training);
        for (Map.Entry<String, TunedWeights> entry : tuned.entrySet()) {
            if (networks.stream().noneMatch(network -> network.encoder().equals(entry.getKey())) || !entry.getValue().base().id().equals(entry.getKey())) {
                throw new IllegalArgumentException("Tuned weights of " + entry.getValue().base().id() + " given for encoder " + entry.getKey()
                        + ", which the head reads as " + encoders());
            }
        }
        this.tuned = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tuned));
        this.version = hash();
    }

    /** The encoder its vectors come from: one name, or several joined by {@code +} for a head of several networks. */
    public String embeddingModel() {
        return String.join(EncoderModel.JOIN, encoders());
    }

    /** The encoders its networks read, each once, in the order of their first network: several networks may read one encoder. */
    private List<String> encoders() {
        return networks.stream().map(HeadNetwork::encoder).distinct().toList();
    }

    public List<String> labels() {
        return labels;
    }

    /** The length of the vectors it reads: the sum of its networks' dimensions. */
    public int dimension() {
        return dimensions().values().stream().mapToInt(Integer::intValue).sum();
    }

    private Map<String, Integer> dimensions() {
        Map<String, Integer> dimensions = new LinkedHashMap<>();
        networks.forEach(network -> dimensions.putIfAbsent(network.encoder(), network.dimension()));
        return dimensions;
    }

    /** Where each encoder's part starts in the joined vector. */
    private Map<String, Integer> offsets() {
        Map<String, Integer> offsets = new LinkedHashMap<>();
        int offset = 0;
        for (Map.Entry<String, Integer> part : dimensions().entrySet()) {
            offsets.put(part.getKey(), offset);
            offset += part.getValue();
        }
        return offsets;
    }

    /** Hidden units of its (first) network; 0 for a linear one. */
    public int hidden() {
        return networks.get(0).hidden();
    }

    public double temperature() {
        return temperature;
    }

    public float inputScale() {
        return networks.get(0).inputScale();
    }

    public List<HeadNetwork> networks() {
        return networks;
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
        return new TrainedHead(labels, temperature, networks, training, tuned);
    }

    /** The same head with other training notes. */
    public TrainedHead withTraining(Map<String, Object> training) {
        return new TrainedHead(labels, temperature, networks, training, tuned);
    }

    /** The same head, carrying the fine-tuned weights its encoders ran with when it was trained, by encoder name. */
    public TrainedHead withTuned(Map<String, TunedWeights> tuned) {
        return new TrainedHead(labels, temperature, networks, training, tuned);
    }

    /** The fine-tuned weights an encoder of its runs with, by encoder name; empty when every encoder runs as shipped. */
    public Map<String, TunedWeights> tuned() {
        return tuned;
    }

    /**
     * Raw scores before the temperature, one per label: the network's, or for several networks the log of the mean of
     * their probabilities. A head of several networks reads a joined vector ({@link JoinedEncoder#join}): each part is
     * a unit vector scaled by {@code 1/sqrt(n)}, which is undone here.
     */
    public double[] logits(float[] unitVector) {
        if (unitVector.length != dimension()) {
            throw new IllegalArgumentException("Expected a vector of " + dimension() + " values, got " + unitVector.length);
        }
        if (networks.size() == 1) {
            return networks.get(0).logits(unitVector, 0, 1);
        }
        Map<String, Integer> offsets = offsets();
        float factor = (float) Math.sqrt(offsets.size());
        double[] mean = new double[labels.size()];
        for (HeadNetwork network : networks) {
            double[] p = softmax(network.logits(unitVector, offsets.get(network.encoder()), factor), 1);
            for (int c = 0; c < mean.length; c++) {
                mean[c] += p[c] / networks.size();
            }
        }
        for (int c = 0; c < mean.length; c++) {
            mean[c] = Math.log(Math.max(mean[c], Double.MIN_NORMAL));
        }
        return mean;
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
        boolean single = networks.size() == 1;
        HeadNetwork first = networks.get(0);
        int format = !tuned.isEmpty() ? TUNED_FORMAT_VERSION : single ? FORMAT_VERSION : ENSEMBLE_FORMAT_VERSION;
        header.put("format_version", format);
        header.put("version", version);
        header.put("embedding_model", embeddingModel());
        header.put("dimension", dimension());
        if (single && tuned.isEmpty()) {
            header.put("hidden", first.hidden());
            header.put("activation", first.hidden() > 0 ? "relu" : "none");
            header.put("input_scale", first.inputScale());
        } else {
            List<Map<String, Object>> shapes = new java.util.ArrayList<>();
            for (HeadNetwork network : networks) {
                Map<String, Object> shape = new LinkedHashMap<>();
                shape.put("encoder", network.encoder());
                shape.put("dimension", network.dimension());
                shape.put("hidden", network.hidden());
                shape.put("activation", network.hidden() > 0 ? "relu" : "none");
                shape.put("input_scale", network.inputScale());
                shapes.add(shape);
            }
            header.put("networks", shapes);
            header.put("combination", "log of the mean of the networks' probabilities, then the temperature");
        }
        header.put("temperature", temperature);
        header.put("weights", "float32 little-endian" + (single ? "" : ", per network in order") + ": w1 (dimension x hidden), b1, w2 (labels x width), b2"
                + (tuned.isEmpty() ? "" : "; then each tuned encoder's file, as tools/finetune/finetune.py wrote it"));
        if (!tuned.isEmpty()) {
            List<Map<String, Object>> files = new java.util.ArrayList<>();
            tuned.forEach((encoder, weights) -> files.add(Map.of("encoder", encoder, "version", weights.version(), "bytes", weights.bytes().length)));
            header.put("tuned", files);
        }
        header.put("labels", labels);
        header.put("training", training);
        byte[] json = JSON.writeValueAsBytes(header);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(format);
            out.writeInt(json.length);
            out.write(json);
            out.write(weights());
            for (TunedWeights weights : tuned.values()) {
                out.write(weights.bytes());
            }
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
        if (format != FORMAT_VERSION && format != ENSEMBLE_FORMAT_VERSION && format != TUNED_FORMAT_VERSION) {
            throw new IOException(name + " has head format " + format + ", expected " + FORMAT_VERSION + ", " + ENSEMBLE_FORMAT_VERSION + " or " + TUNED_FORMAT_VERSION
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
        List<String> labels = (List<String>) header.get("labels");
        List<Map<String, Object>> shapes = header.containsKey("networks") ? (List<Map<String, Object>>) header.get("networks")
                : List.of(Map.of("encoder", header.get("embedding_model"), "dimension", header.get("dimension"), "hidden", header.get("hidden"),
                        "input_scale", header.get("input_scale")));
        byte[] rest = in.readAllBytes();
        List<Map<String, Object>> tunedFiles = (List<Map<String, Object>>) header.getOrDefault("tuned", List.of());
        long tunedBytes = 0;
        for (Map<String, Object> file : tunedFiles) {
            tunedBytes += ((Number) file.get("bytes")).longValue();
        }
        if (tunedBytes < 0 || tunedBytes > rest.length) {
            throw new IOException(name + " is truncated or corrupt: its tuned encoders need " + tunedBytes + " bytes, " + rest.length
                    + " are left. Retrain it with `switchboard train`");
        }
        byte[] weights = Arrays.copyOf(rest, rest.length - (int) tunedBytes);
        Map<String, TunedWeights> tuned = new LinkedHashMap<>();
        int at = weights.length;
        for (Map<String, Object> file : tunedFiles) {
            int size = ((Number) file.get("bytes")).intValue();
            TunedWeights weightsOfEncoder = TunedWeights.parse(Arrays.copyOfRange(rest, at, at + size), name + " (tuned " + file.get("encoder") + ")");
            at += size;
            if (!weightsOfEncoder.version().equals(file.get("version"))) {
                throw new IOException(name + " is corrupt: the tuned weights of " + file.get("encoder") + " hash to " + weightsOfEncoder.version()
                        + " but it says " + file.get("version") + ". Retrain it with `switchboard train`");
            }
            tuned.put((String) file.get("encoder"), weightsOfEncoder);
        }
        long expected = 0;
        for (Map<String, Object> shape : shapes) {
            int dimension = ((Number) shape.get("dimension")).intValue();
            int hidden = ((Number) shape.get("hidden")).intValue();
            expected += (long) dimension * hidden + hidden + (long) labels.size() * (hidden == 0 ? dimension : hidden) + labels.size();
        }
        if (weights.length != 4 * expected) {
            throw new IOException(name + " is truncated or corrupt: " + weights.length + " bytes of weights for "
                    + labels.size() + " labels. Retrain it with `switchboard train`");
        }
        var buffer = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        List<HeadNetwork> networks = new java.util.ArrayList<>();
        for (Map<String, Object> shape : shapes) {
            int dimension = ((Number) shape.get("dimension")).intValue();
            int hidden = ((Number) shape.get("hidden")).intValue();
            float[] w1 = new float[dimension * hidden];
            float[] b1 = new float[hidden];
            float[] w2 = new float[labels.size() * (hidden == 0 ? dimension : hidden)];
            float[] b2 = new float[labels.size()];
            buffer.get(w1).get(b1).get(w2).get(b2);
            networks.add(new HeadNetwork((String) shape.get("encoder"), dimension, hidden, ((Number) shape.get("input_scale")).floatValue(),
                    w1, b1, w2, b2));
        }
        Map<String, Object> training = (Map<String, Object>) header.getOrDefault("training", Map.of());
        TrainedHead head;
        try {
            head = new TrainedHead(labels, ((Number) header.get("temperature")).doubleValue(), networks, training, tuned);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + " is corrupt: " + e.getMessage() + ". Retrain it with `switchboard train`", e);
        }
        Object recorded = header.get("version");
        if (recorded != null && !recorded.equals(head.version())) {
            throw new IOException(name + " is corrupt: its content hashes to " + head.version() + " but it says "
                    + recorded + ". Retrain it with `switchboard train`");
        }
        return head;
    }

    private byte[] weights() {
        List<float[]> arrays = new java.util.ArrayList<>();
        for (HeadNetwork network : networks) {
            arrays.addAll(List.of(network.w1(), network.b1(), network.w2(), network.b2()));
        }
        return floats(arrays.toArray(float[][]::new));
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
            if (networks.size() == 1) {
                // as format 1 always hashed, so that a head of one network keeps its version
                HeadNetwork network = networks.get(0);
                sha.update((network.encoder() + "\0" + String.join("\0", labels) + "\0" + network.dimension() + "\0" + network.hidden()
                        + "\0" + network.inputScale() + "\0" + temperature).getBytes(StandardCharsets.UTF_8));
            } else {
                StringBuilder shapes = new StringBuilder();
                for (HeadNetwork network : networks) {
                    shapes.append(network.encoder()).append('\0').append(network.dimension()).append('\0').append(network.hidden())
                            .append('\0').append(network.inputScale()).append('\0');
                }
                sha.update((shapes + String.join("\0", labels) + "\0" + temperature).getBytes(StandardCharsets.UTF_8));
            }
            sha.update(weights());
            // a head without tuned encoders hashes as before, so that its version stays
            tuned.forEach((encoder, weights) -> sha.update(("\0" + encoder + "\0" + weights.version()).getBytes(StandardCharsets.UTF_8)));
            return "head-" + HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
