package dev.switchboard.workflows.cli;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.switchboard.llm.embedded.BatchEncoder;
import dev.switchboard.llm.embedded.EncoderModel;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Texts per second of every encoder on the same texts, against LangChain4j's {@code embedAll} (one ONNX call per
 * text) as the baseline, measured in the same run: rounds alternate between them after a warm-up, so that other
 * load on the machine hits all alike, and every round is printed with the load average, not only the best.
 */
final class EncoderThroughput {

    private static final int ROUNDS = 3;

    private EncoderThroughput() {
    }

    /** One contender: a name and what it does to the texts. */
    private record Contender(String name, Consumer<List<String>> run, AutoCloseable resource) {
    }

    static void compare(PrintWriter out, List<String> texts) throws Exception {
        List<Contender> contenders = new ArrayList<>();
        EmbeddingModel floatReference = new AllMiniLmL6V2EmbeddingModel();
        EmbeddingModel quantizedReference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        contenders.add(new Contender("LangChain4j embedAll, all-MiniLM-L6-v2 (baseline)", list -> floatReference.embedAll(segments(list)), null));
        contenders.add(new Contender("LangChain4j embedAll, all-MiniLM-L6-v2 quantized", list -> quantizedReference.embedAll(segments(list)), null));
        for (EncoderModel model : EncoderModel.values()) {
            BatchEncoder encoder = new BatchEncoder(model);
            contenders.add(new Contender("batched " + model.id(), encoder::encode, encoder));
        }
        try {
            for (Contender contender : contenders) {
                contender.run().accept(texts.subList(0, Math.min(64, texts.size()))); // warm-up: load, JIT, ONNX arenas
            }
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            out.printf(Locale.ROOT, "Encoder throughput: %d texts, %d rounds, %d cores%n", texts.size(), ROUNDS,
                    Runtime.getRuntime().availableProcessors());
            for (int round = 1; round <= ROUNDS; round++) {
                for (Contender contender : contenders) {
                    long started = System.nanoTime();
                    contender.run().accept(texts);
                    double rate = texts.size() / ((System.nanoTime() - started) / 1e9);
                    rates.computeIfAbsent(contender.name(), name -> new ArrayList<>()).add(rate);
                    out.printf(Locale.ROOT, "  round %d  %-52s %7.0f texts/s  (load %.1f)%n", round, contender.name(), rate, load());
                    out.flush();
                }
            }
            List<Double> baseline = rates.values().iterator().next();
            out.println();
            out.printf(Locale.ROOT, "  %-52s %s   x baseline, per round%n", "", "texts/s per round");
            rates.forEach((name, runs) -> {
                StringBuilder figures = new StringBuilder();
                StringBuilder ratios = new StringBuilder();
                for (int i = 0; i < runs.size(); i++) {
                    figures.append(String.format(Locale.ROOT, "%7.0f", runs.get(i)));
                    ratios.append(String.format(Locale.ROOT, "%6.2f", runs.get(i) / baseline.get(i)));
                }
                out.printf(Locale.ROOT, "  %-52s %s   %s%n", name, figures, ratios);
            });
            out.printf(Locale.ROOT, "  load average at the end: %.1f%n", load());
        } finally {
            for (Contender contender : contenders) {
                if (contender.resource() != null) {
                    contender.resource().close();
                }
            }
        }
    }

    private static List<TextSegment> segments(List<String> texts) {
        return texts.stream().map(text -> TextSegment.from(text.isBlank() ? " " : text)).toList();
    }

    /** The system load average of the last minute; negative where the platform has none. */
    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
