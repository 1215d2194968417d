package dev.switchboard.llm.embedded;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sentence encoder ({@link EncoderModel}) run on padded batches, for throughput on many texts.
 *
 * <p>LangChain4j's in-process models run one text per ONNX call (in parallel); on short texts the per-call
 * overhead dominates. Here texts are tokenized, sorted by length, and run in batches of similar length, so
 * padding stays small; the token vectors are pooled as the model wants and L2-normalized. For
 * all-MiniLM-L6-v2 that is what LangChain4j computes (cosine above 0.9999 on texts under 256 tokens, tested).
 * Texts are cut to the model's {@link EncoderModel#maxTokens()}, as sentence-transformers does, where
 * LangChain4j would average 510-token windows. One ONNX session per encoder, made once and reused. For a float
 * model its intra-op threads split each batch's matrix products over the cores, and sleep rather than spin between
 * batches; a quantized model reads one text per call, too little work to split, so its texts run side by side
 * instead, one call per core on one intra-op thread each.
 */
public final class BatchEncoder implements SentenceEncoder {

    private static final int DEFAULT_BATCH = 32;

    private final EncoderModel model;
    /** The fine-tuned weights that replace some of the model's; null for the model as shipped. */
    private final TunedWeights tuned;
    /** The tensors of {@link #tuned}, alive as long as the session. */
    private final List<OnnxTensor> tunedTensors;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean tokenTypes;
    private final HuggingFaceTokenizer tokenizer;
    private final int batchSize;
    /** Runs one-text calls side by side for a quantized model; null when calls run one after the other. */
    private final ExecutorService parallel;
    private final int parallelism;
    /**
     * A quantized model's vectors of its last call of several texts, by the identity of each text: a model step's
     * injection screen asks again, one text at a time, for texts its classifier has just encoded in a batch. One
     * text per call makes a text's vector its own, so the answer is the one a new call would give. Held until the
     * next such call; a text of an earlier batch, or an equal text in another string, is encoded again.
     */
    private volatile Map<String, Memo> lastBatch = Collections.emptyMap();
    private final AtomicLong calls = new AtomicLong();

    private record Memo(float[] vector, int tokens) {
    }

    public BatchEncoder(EncoderModel model) {
        this(model, DEFAULT_BATCH, Runtime.getRuntime().availableProcessors());
    }

    public BatchEncoder(EncoderModel model, int batchSize, int threads) {
        this(model, null, batchSize, threads);
    }

    /** The base model of {@code tuned} with its fine-tuned weights. */
    public BatchEncoder(TunedWeights tuned) {
        this(tuned.base(), tuned, DEFAULT_BATCH, Runtime.getRuntime().availableProcessors());
    }

    private BatchEncoder(EncoderModel model, TunedWeights tuned, int batchSize, int threads) {
        this.model = model;
        this.tuned = tuned;
        // A quantized model scales its activations over the whole batch (dynamic quantization), so a text's vector
        // would move with its neighbours and the same ticket could get another label: one text per call keeps every
        // answer the text's own, at about the same texts/s once texts are sorted by length (docs/BENCHMARKS.md).
        this.batchSize = model.quantized() ? 1 : batchSize;
        // One text is too small a product to split over threads (the split costs more than it saves): a quantized model
        // runs texts side by side instead, each call on one intra-op thread (ONNX Runtime's session.run is thread-safe).
        this.parallelism = model.quantized() ? Math.max(1, threads) : 1;
        AtomicInteger counter = new AtomicInteger();
        this.parallel = parallelism > 1 ? Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-encoder-" + model.id() + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }) : null;
        ClassLoader loader = BatchEncoder.class.getClassLoader();
        try (InputStream onnx = resource(loader, model.modelResource());
             InputStream vocabulary = resource(loader, model.tokenizerResource())) {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(parallelism > 1 ? 1 : Math.max(1, threads));
            // one batch at a time: the parallelism is inside each operator, not between them
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // idle intra-op threads sleep instead of spinning: on cores shared with the engine's other threads (and
            // other processes), spinning burns the time the next batch needs; 1.3 to 3 times the texts/s under load
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            // Every call has its own shape (one text per call for a quantized model, batches of any width for the float
            // one), so neither a shape-keyed memory plan nor an arena kept at its high-water mark pays for the memory
            // it holds; freed buffers go back to the allocator between calls.
            options.setMemoryPatternOptimization(false);
            options.setCPUArenaAllocator(false);
            byte[] bytes = onnx.readAllBytes();
            tunedTensors = tuned == null ? List.of() : tuned.addTo(options, environment, bytes);
            try {
                session = environment.createSession(bytes, options);
            } catch (OrtException | RuntimeException e) {
                tunedTensors.forEach(OnnxTensor::close);
                throw e;
            }
            tokenTypes = session.getInputNames().contains("token_type_ids");
            tokenizer = HuggingFaceTokenizer.newInstance(vocabulary, Map.of("padding", "false", "truncation", "false"));
        } catch (IOException | OrtException e) {
            throw new IllegalStateException("Cannot load the encoder " + model.id() + " from the class path: " + e.getMessage(), e);
        }
    }

    private InputStream resource(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is missing; add " + model.artifact() + " to the class path");
        }
        return in;
    }

    public EncoderModel model() {
        return model;
    }

    /** Its fine-tuned weights, when it runs the model with them. */
    public java.util.Optional<TunedWeights> tuned() {
        return java.util.Optional.ofNullable(tuned);
    }

    /**
     * Names its vectors, for caches: the model's name, with the tuned weights' version when it runs with them, and
     * {@code .one-per-call} for a quantized model, whose vectors read one text per call differ slightly from batched ones.
     */
    public String vectorsName() {
        return id() + (tuned == null ? "" : "." + tuned.version()) + (model.quantized() ? ".one-per-call" : "");
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public String id() {
        return model.id();
    }

    @Override
    public Encoded encode(List<String> texts) {
        if (texts.size() == 1 && model.quantized() && texts.get(0) != null) {
            Memo memo = lastBatch.get(texts.get(0));
            if (memo != null) {
                return new Encoded(new float[][] {memo.vector().clone()}, memo.tokens());
            }
        }
        long[][] ids = new long[texts.size()][];
        long tokens = 0;
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < ids.length; i++) {
            String text = texts.get(i);
            ids[i] = cut(tokenizer.encode(model.prefix() + (text == null || text.isBlank() ? " " : text)).getIds());
            tokens += ids[i].length;
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        float[][] vectors = new float[ids.length][];
        if (parallel != null && order.length > 1) {
            runSideBySide(ids, order, vectors);
            remember(texts, ids, vectors);
            return new Encoded(vectors, tokens);
        }
        for (int start = 0; start < order.length; start += batchSize) {
            int count = Math.min(batchSize, order.length - start);
            long[][] batch = new long[count][];
            for (int k = 0; k < count; k++) {
                batch[k] = ids[order[start + k]];
            }
            float[][] out = run(batch);
            for (int k = 0; k < count; k++) {
                vectors[order[start + k]] = out[k];
            }
        }
        remember(texts, ids, vectors);
        return new Encoded(vectors, tokens);
    }

    /** Keeps a quantized model's vectors of a call of several texts for {@link #lastBatch}. */
    private void remember(List<String> texts, long[][] ids, float[][] vectors) {
        if (!model.quantized() || texts.size() < 2) {
            return;
        }
        Map<String, Memo> memos = new IdentityHashMap<>(texts.size() * 2);
        for (int i = 0; i < ids.length; i++) {
            if (texts.get(i) != null) {
                memos.put(texts.get(i), new Memo(vectors[i].clone(), ids[i].length));
            }
        }
        lastBatch = Collections.unmodifiableMap(memos);
    }

    /** One text per call, the texts dealt out in turn to {@link #parallelism} workers (sorted by length, so each gets a share of long ones). */
    private void runSideBySide(long[][] ids, Integer[] order, float[][] vectors) {
        List<Callable<Void>> shares = new java.util.ArrayList<>();
        for (int w = 0; w < Math.min(parallelism, order.length); w++) {
            int first = w;
            shares.add(() -> {
                for (int k = first; k < order.length; k += parallelism) {
                    vectors[order[k]] = run(new long[][] {ids[order[k]]})[0];
                }
                return null;
            });
        }
        try {
            for (Future<Void> share : parallel.invokeAll(shares)) {
                share.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the encoder " + model.id() + " ran", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("The encoder " + model.id() + " failed: " + e.getCause(), e.getCause());
        }
    }

    private long[] cut(long[] ids) {
        int max = model.maxTokens();
        if (ids.length <= max) {
            return ids;
        }
        long[] cut = Arrays.copyOf(ids, max);
        cut[max - 1] = ids[ids.length - 1]; // keep [SEP]
        return cut;
    }

    /** ONNX Runtime calls made so far (a call reads one text for a quantized model, a batch for a float one). */
    public long calls() {
        return calls.get();
    }

    private float[][] run(long[][] batch) {
        calls.incrementAndGet();
        int width = 0;
        for (long[] row : batch) {
            width = Math.max(width, row.length);
        }
        long[] inputIds = new long[batch.length * width];
        long[] mask = new long[batch.length * width];
        for (int k = 0; k < batch.length; k++) {
            System.arraycopy(batch[k], 0, inputIds, k * width, batch[k].length);
            Arrays.fill(mask, k * width, k * width + batch[k].length, 1L);
        }
        long[] shape = {batch.length, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (tokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[inputIds.length]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(session.getOutputNames().iterator().next()))) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                float[][] out = new float[batch.length][];
                for (int k = 0; k < batch.length; k++) {
                    out[k] = pool(hidden[k], batch[k].length);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("The encoder " + model.id() + " failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[] pool(float[][] tokens, int length) {
        if (model.pooling() == EncoderModel.Pooling.CLS) {
            return Vectors.unit(tokens[0]);
        }
        float[] sum = new float[tokens[0].length];
        for (int t = 0; t < length; t++) {
            for (int d = 0; d < sum.length; d++) {
                sum[d] += tokens[t][d];
            }
        }
        // Dividing by the length is skipped: the vector is normalized right after.
        return Vectors.unit(sum);
    }

    @Override
    public void close() {
        if (parallel != null) {
            parallel.shutdownNow();
        }
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing is best effort
        }
        tunedTensors.forEach(OnnxTensor::close);
        tokenizer.close();
    }
}
