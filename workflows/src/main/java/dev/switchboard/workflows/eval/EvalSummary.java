package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * {@code report.json}: the figures of an evaluation without its rows, what CI pipelines and scripts
 * read; its field names are a contract. A share that cannot be computed (no rows of its kind) is null.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvalSummary(String workflow, String step, String dataset, String command, List<String> notes, List<Model> models) {

    static EvalSummary of(EvalReport report) {
        return new EvalSummary(report.workflow(), report.step(), report.dataset(), report.command(), report.notes(),
                report.models().stream().map(Model::of).toList());
    }

    /** One model's figures. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Model(String model, int rows, int inScope, int outOfScope, double accuracy, double macroF1, double threshold,
                        double reviewRate, double acceptedAccuracy, Double oosToReview, @JsonProperty("cost_per_1000_usd") double costPer1000Usd,
                        double latencyP50Ms, double latencyP95Ms, long cacheHits, long calls, int failed, int skipped,
                        Map<String, Integer> skippedReasons, double seconds, double rowsPerSecond, List<Label> labels, List<Point> tradeoff,
                        List<Member> chain) {

        static Model of(ModelResult model) {
            return new Model(model.model(), model.rows(), model.inScope(), model.outOfScope(), model.scores().accuracy(),
                    model.scores().macroF1(), model.threshold(), model.reviewRate(), model.acceptedAccuracy(), nullIfNaN(model.oosToReview()),
                    model.costPer1000(), model.p50Millis(), model.p95Millis(), model.cacheHits(), model.calls(), model.failed(),
                    model.skipped(), model.skippedReasons(), model.seconds(), model.rowsPerSecond(), model.scores().labels().stream().map(Label::of).toList(),
                    model.curve().stream().map(Point::of).toList(),
                    ChainMembers.of(model.predictions(), model.stepLabels()).stream().map(Member::of).toList());
        }
    }

    /** One model of an alias chain (empty list when one model answered every row). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Member(String model, int asked, int answered, Double accuracy, Double fallThroughRate, double costUsd) {

        static Member of(ChainMembers member) {
            return new Member(member.member(), member.asked(), member.answered(), nullIfNaN(member.accuracy()),
                    nullIfNaN(member.fallThroughRate()), member.costUsd());
        }
    }

    /** One label's scores. */
    public record Label(String label, int support, double precision, double recall, double f1) {

        static Label of(Scores.LabelScore score) {
            return new Label(score.label(), score.support(), score.precision(), score.recall(), score.f1());
        }
    }

    /** One threshold of the trade-off sweep. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Point(double threshold, Double coverage, Double acceptedAccuracy, Double reviewRate, Double oosToReview) {

        static Point of(ModelResult.TradeoffPoint point) {
            return new Point(point.threshold(), nullIfNaN(point.coverage()), nullIfNaN(point.acceptedAccuracy()), nullIfNaN(point.reviewRate()),
                    nullIfNaN(point.oosToReview()));
        }
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
