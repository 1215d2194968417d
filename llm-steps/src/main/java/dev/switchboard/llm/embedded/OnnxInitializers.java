package dev.switchboard.llm.embedded;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names, element types and shapes of an ONNX model's initializers, read from its bytes. ONNX Runtime replaces an
 * initializer given to a session by name and ignores a name the graph lacks, so {@link TunedWeights} checks each of
 * its tensors against these first. Only the few fields needed are read (ONNX's protobuf: {@code ModelProto.graph} 7,
 * {@code GraphProto.initializer} 5, {@code TensorProto.dims} 1, {@code data_type} 2, {@code name} 8); the rest is skipped.
 */
final class OnnxInitializers {

    /** ONNX's {@code TensorProto.DataType} values for the types a tuned file holds. */
    static final int FLOAT = 1;
    static final int INT8 = 3;

    record Initializer(int dataType, long[] shape) {
    }

    private OnnxInitializers() {
    }

    static Map<String, Initializer> read(byte[] model) {
        Map<String, Initializer> initializers = new LinkedHashMap<>();
        Reader modelProto = new Reader(model, 0, model.length);
        while (modelProto.more()) {
            int tag = (int) modelProto.varint();
            if (tag == (7 << 3 | 2)) {
                Reader graph = modelProto.message();
                while (graph.more()) {
                    int graphTag = (int) graph.varint();
                    if (graphTag == (5 << 3 | 2)) {
                        readTensor(graph.message(), initializers);
                    } else {
                        graph.skip(graphTag & 7);
                    }
                }
            } else {
                modelProto.skip(tag & 7);
            }
        }
        return initializers;
    }

    private static void readTensor(Reader tensor, Map<String, Initializer> into) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = null;
        while (tensor.more()) {
            int tag = (int) tensor.varint();
            if (tag == (1 << 3)) {
                dims.add(tensor.varint());
            } else if (tag == (1 << 3 | 2)) {
                Reader packed = tensor.message();
                while (packed.more()) {
                    dims.add(packed.varint());
                }
            } else if (tag == (2 << 3)) {
                type = (int) tensor.varint();
            } else if (tag == (8 << 3 | 2)) {
                name = tensor.string();
            } else {
                tensor.skip(tag & 7);
            }
        }
        if (name != null) {
            into.put(name, new Initializer(type, dims.stream().mapToLong(Long::longValue).toArray()));
        }
    }

    /** Protobuf's wire format over a slice of bytes. */
    private static final class Reader {
        private final byte[] bytes;
        private int at;
        private final int end;

        Reader(byte[] bytes, int from, int end) {
            if (end > bytes.length || from > end) {
                throw new IllegalArgumentException("Not an ONNX model: a field runs past the end");
            }
            this.bytes = bytes;
            this.at = from;
            this.end = end;
        }

        boolean more() {
            return at < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) {
                    throw new IllegalArgumentException("Not an ONNX model: a number runs past the end");
                }
                byte b = bytes[at++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("Not an ONNX model: a number longer than 10 bytes");
        }

        Reader message() {
            int length = Math.toIntExact(varint());
            Reader inner = new Reader(bytes, at, at + length);
            at += length;
            return inner;
        }

        String string() {
            Reader inner = message();
            return new String(bytes, inner.at, inner.end - inner.at, java.nio.charset.StandardCharsets.UTF_8);
        }

        void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> at += 8;
                case 2 -> message();
                case 5 -> at += 4;
                default -> throw new IllegalArgumentException("Not an ONNX model: wire type " + wireType);
            }
        }
    }
}
