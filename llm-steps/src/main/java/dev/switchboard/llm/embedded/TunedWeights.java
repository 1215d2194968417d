package dev.switchboard.llm.embedded;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An encoder fine-tuned on a task: the weights that differ from its base {@link EncoderModel}, which still comes from
 * its Maven artifact. ONNX Runtime replaces the base model's initializers of the same names when the session is made
 * ({@code SessionOptions.addInitializer}), so the graph, the tokenizer and the pooling stay the base model's and the
 * file holds only the transformer layers (about 11 MB for all-MiniLM-L6-v2's six).
 *
 * <p>A file ({@code .tuned}) is written by {@code tools/finetune/finetune.py}: a magic line, the format version, a
 * JSON header ({@code base}: the encoder's name; {@code tensors}: name, type and shape of each initializer, in order;
 * {@code training}: how it was trained) and the tensors, little-endian, one after the other. Each matrix is quantized
 * as the base model's are (int8 per column, seven bits), so the tuned model runs at the base model's speed.
 * {@link #version()} hashes the whole file.
 */
public final class TunedWeights {

    private static final byte[] MAGIC = "SWITCHBOARD-TUNED\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EncoderModel base;
    private final List<Tensor> tensors;
    private final JsonNode training;
    private final byte[] bytes;
    private final String version;

    /** One initializer: int8 or float32 values, little-endian. */
    record Tensor(String name, String type, long[] shape, byte[] data) {
        long elements() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
    }

    private TunedWeights(EncoderModel base, List<Tensor> tensors, JsonNode training, byte[] bytes) {
        this.base = base;
        this.tensors = List.copyOf(tensors);
        this.training = training;
        this.bytes = bytes;
        this.version = "tuned-" + sha256(bytes).substring(0, 12);
    }

    public static TunedWeights read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** The weights a file's bytes hold; {@code name} is for messages. */
    public static TunedWeights parse(byte[] bytes, String name) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
            throw new IOException(name + " is not a tuned-encoder file. Write one with tools/finetune/finetune.py");
        }
        try {
            int format = Integer.reverseBytes(in.readInt());
            if (format != FORMAT_VERSION) {
                throw new IOException(name + " has tuned-encoder format " + format + ", expected " + FORMAT_VERSION);
            }
            int length = Integer.reverseBytes(in.readInt());
            if (length < 0 || length > 16 * 1024 * 1024) {
                throw new IOException(name + " is corrupt: a header of " + length + " bytes");
            }
            JsonNode header = JSON.readTree(in.readNBytes(length));
            String baseName = header.path("base").asText();
            EncoderModel base = EncoderModel.byId(baseName).filter(EncoderModel::quantized).orElseThrow(() -> new IOException(name
                    + " tunes encoder '" + baseName + "', expected one of the quantized encoders " + EncoderModel.values().stream()
                    .filter(EncoderModel::quantized).map(EncoderModel::id).toList()));
            List<Tensor> tensors = new ArrayList<>();
            for (JsonNode entry : header.path("tensors")) {
                String type = entry.path("type").asText();
                if (!type.equals("int8") && !type.equals("float32")) {
                    throw new IOException(name + " is corrupt: tensor " + entry.path("name").asText() + " has type '" + type + "', expected int8 or float32");
                }
                long[] shape = new long[entry.path("shape").size()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = entry.path("shape").get(d).asLong();
                }
                long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
                long size = elements * (type.equals("int8") ? 1 : 4);
                if (elements < 0 || size > in.available()) {
                    throw new IOException(name + " is truncated: tensor " + entry.path("name").asText() + " needs " + size + " bytes, "
                            + in.available() + " are left");
                }
                tensors.add(new Tensor(entry.path("name").asText(), type, shape, in.readNBytes((int) size)));
            }
            if (in.available() != 0) {
                throw new IOException(name + " is corrupt: " + in.available() + " bytes after its last tensor");
            }
            if (tensors.isEmpty()) {
                throw new IOException(name + " holds no tensors");
            }
            return new TunedWeights(base, tensors, header.path("training"), bytes);
        } catch (EOFException e) {
            throw new IOException(name + " is truncated: it ends inside its header", e);
        }
    }

    /** The encoder it tunes; its ONNX model, tokenizer and pooling are used as they are. */
    public EncoderModel base() {
        return base;
    }

    /** {@code tuned-} and 12 hex digits of SHA-256 over the file. */
    public String version() {
        return version;
    }

    /** The file as read, to be written again inside a head. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** How it was trained, as the tool recorded it (data, epochs, seconds); for people. */
    public JsonNode training() {
        return training;
    }

    public int tensorCount() {
        return tensors.size();
    }

    /**
     * The share of a dataset's rows, in percent, that fine-tuning left out (by a hash of the text, see
     * {@link #heldOut}); 0 when it trained on every row. A head trained on the tuned encoder calibrates its
     * temperature on those rows: on rows the encoder was tuned on, its answers look surer than they are.
     */
    public int heldOutPercent() {
        return training.path("held_out").path("percent").asInt(0);
    }

    /**
     * Whether fine-tuning left this text out: the first four bytes of SHA-256 over it (UTF-8), read as an unsigned
     * big-endian number, modulo 100, below {@link #heldOutPercent()} (as tools/finetune/finetune.py decides).
     */
    public boolean heldOut(String text) {
        if (heldOutPercent() <= 0) {
            return false;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long first = ByteBuffer.wrap(digest, 0, 4).getInt() & 0xffffffffL;
            return first % 100 < heldOutPercent();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Adds its tensors to a session's options as initializers that replace the base model's; the tensors must outlive
     * the session, so the caller closes what this returns after closing the session.
     */
    List<OnnxTensor> addTo(OrtSession.SessionOptions options, OrtEnvironment environment, byte[] model) throws OrtException {
        Map<String, OnnxInitializers.Initializer> initializers = OnnxInitializers.read(model);
        for (Tensor tensor : tensors) {
            OnnxInitializers.Initializer initializer = initializers.get(tensor.name());
            int type = tensor.type().equals("int8") ? OnnxInitializers.INT8 : OnnxInitializers.FLOAT;
            if (initializer == null || initializer.dataType() != type || !Arrays.equals(initializer.shape(), tensor.shape())) {
                throw new IllegalArgumentException("Tuned weights " + version + " do not fit " + base.id() + ": tensor " + tensor.name() + " ("
                        + tensor.type() + " " + Arrays.toString(tensor.shape()) + ") " + (initializer == null ? "is not one of its initializers"
                        : "replaces one of type " + (initializer.dataType() == OnnxInitializers.INT8 ? "int8" : initializer.dataType() == OnnxInitializers.FLOAT
                        ? "float32" : "#" + initializer.dataType()) + " " + Arrays.toString(initializer.shape())) + ". Were they tuned from another encoder?");
            }
        }
        List<OnnxTensor> made = new ArrayList<>();
        try {
            for (Tensor tensor : tensors) {
                ByteBuffer data = ByteBuffer.allocateDirect(tensor.data().length).order(ByteOrder.nativeOrder());
                if (tensor.type().equals("int8")) {
                    data.put(tensor.data()).flip();
                    made.add(OnnxTensor.createTensor(environment, data, tensor.shape(), OnnxJavaType.INT8));
                } else {
                    data.asFloatBuffer().put(ByteBuffer.wrap(tensor.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
                    made.add(OnnxTensor.createTensor(environment, data, tensor.shape(), OnnxJavaType.FLOAT));
                }
                options.addInitializer(tensor.name(), made.get(made.size() - 1));
            }
            return made;
        } catch (OrtException | RuntimeException e) {
            made.forEach(OnnxTensor::close);
            throw e;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
