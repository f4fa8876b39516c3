package io.goldfinch.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.matching.OverlapPolicy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The confidence target checked on the job's golds ({@link ClosingReplay}): each gold replayed as a normal item under
 * the job's overlap and target (and its label value, where set), each worker's accuracy from his gold record as it
 * stands without that gold. Voided golds' answers do not count. Where the job's confidence is calibrated (a fitted
 * {@code confidenceBeta}, {@link PosteriorTemperature}), the replay tempers the workers' accuracies as the engine does,
 * and {@code uncalibrated} says how the job's own target would fare without it.
 */
@Singleton
public class ConfidenceCheckService {

    /**
     * Shares are null where there is nothing to measure them on. {@code targets}: the same golds replayed at other
     * targets (and the job's), so that a requester sees what a higher target buys and costs before changing it;
     * {@code values}: replayed at the job's target with label values of 2 to 100 answers' cost (and the job's own),
     * what the value rule would buy and how often it would be right.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Check(long jobId, double confidenceTarget, int overlapMin, int overlapMax, int golds, int closedAtTarget, int rightAtTarget,
                        @Nullable Double statedAtTarget, @Nullable Double accuracyAtTarget, @Nullable Double accuracyLow, @Nullable Double accuracyHigh,
                        boolean belowTarget, int closedAtMax, int rightAtMax, int stillOpen, @Nullable Double answersPerClosed, List<AtTarget> targets,
                        @Nullable Long labelValueMinor, int closedByValue, int rightByValue, List<AtValue> values,
                        boolean calibrateConfidence, @Nullable Double confidenceBeta, @Nullable AtTarget uncalibrated) {
    }

    /** The golds replayed with one label value: how many closed (by any rule), how many of them right, answers per closed gold. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record AtValue(long labelValueMinor, double answersWorth, int closed, @Nullable Double accuracy, int closedByValue,
                          @Nullable Double answersPerClosed) {
    }

    /** Label values every check replays, in answers' cost (reward and fee), besides the job's own. */
    static final int[] VALUE_LADDER = {2, 5, 10, 20, 50, 100};

    /** The golds replayed at one target: how many closed, how many right of all closed and of those closed at the target, answers per closed gold. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record AtTarget(double target, int closed, @Nullable Double accuracy, int closedAtTarget, @Nullable Double accuracyAtTarget,
                           @Nullable Double answersPerClosed) {
    }

    /** Targets every check replays, besides the job's own. */
    static final double[] LADDER = {0.8, 0.9, 0.95, 0.98, 0.99, 0.995};

    private final Db db;

    public ConfidenceCheckService(Db db) {
        this.db = db;
    }

    public Check check(@Nullable Long requesterId, long jobId) {
        record JobInfo(List<String> labels, int overlapMin, int overlapMax, double target, Long labelValueMinor, long cost, boolean calibrate,
                       Double beta) {
            /** The value rule's price, or null where the job sets no label value. */
            OverlapPolicy.Price price() {
                return labelValueMinor == null ? null : new OverlapPolicy.Price(labelValueMinor, cost);
            }
        }
        record Loaded(JobInfo job, List<ClosingReplay.Gold> golds) {
        }
        Loaded loaded = db.tx(c -> {
            JobInfo job = Db.one(c, rs -> new JobInfo(Arrays.asList((String[]) rs.getArray(1).getArray()), rs.getInt(2), rs.getInt(3), rs.getDouble(4),
                                    (Long) rs.getObject(5), rs.getLong(6) + io.goldfinch.ledger.LedgerRules.feeMinor(rs.getLong(6), rs.getInt(7)),
                                    rs.getBoolean(8), (Double) rs.getObject(9)),
                            "SELECT labels, overlap_min, overlap_max, confidence_target, label_value_minor, reward_minor, fee_bps, calibrate_confidence, "
                                    + "posterior_beta FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)",
                            jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            return new Loaded(job, golds(c, jobId, job.labels(), Integer.MAX_VALUE)); // all: the replay's crowd is every answer
        });
        JobInfo job = loaded.job();
        List<String> labels = job.labels();
        double beta = job.calibrate() && job.beta() != null ? job.beta() : 1;
        List<ClosingReplay.Gold> raw = loaded.golds();
        List<ClosingReplay.Gold> golds = PosteriorTemperature.temper(raw, labels.size(), beta);
        double[] targets = java.util.stream.DoubleStream.concat(Arrays.stream(LADDER), java.util.stream.DoubleStream.of(job.target())).distinct().sorted().toArray();
        List<AtTarget> ladder = new ArrayList<>();
        List<ClosingReplay.Report> reports = ClosingReplay.ladder(golds, labels.size(), job.overlapMin(), job.overlapMax(), targets, job.price());
        ClosingReplay.Report r = reports.get(Arrays.binarySearch(targets, job.target())); // the job's own target is on the ladder
        for (int i = 0; i < targets.length; i++) {
            ladder.add(atTarget(targets[i], reports.get(i)));
        }
        long answerCost = job.cost();
        java.util.TreeSet<Long> worths = new java.util.TreeSet<>();
        for (int v : VALUE_LADDER) {
            worths.add(v * answerCost);
        }
        if (job.labelValueMinor() != null) {
            worths.add(job.labelValueMinor());
        }
        List<AtValue> values = new ArrayList<>();
        for (long worth : worths) {
            ClosingReplay.Report v = ClosingReplay.replay(golds, labels.size(), job.overlapMin(), job.overlapMax(), job.target(),
                    new OverlapPolicy.Price(worth, answerCost));
            values.add(new AtValue(worth, (double) worth / answerCost, v.closedAtTarget() + v.closedAtMax() + v.closedByValue(), finite(v.accuracyClosed()),
                    v.closedByValue(), finite(v.answersPerClosed())));
        }
        AtTarget uncalibrated = beta == 1 ? null
                : atTarget(job.target(), ClosingReplay.replay(raw, labels.size(), job.overlapMin(), job.overlapMax(), job.target(), job.price()));
        return new Check(jobId, job.target(), job.overlapMin(), job.overlapMax(), r.golds(), r.closedAtTarget(), r.rightAtTarget(), finite(r.statedAtTarget()),
                finite(r.accuracyAtTarget()), finite(r.accuracyLow()), finite(r.accuracyHigh()), r.belowTarget(job.target()), r.closedAtMax(), r.rightAtMax(),
                r.stillOpen(), finite(r.answersPerClosed()), ladder, job.labelValueMinor(), r.closedByValue(), r.rightByValue(), values,
                job.calibrate(), job.beta(), uncalibrated);
    }

    /**
     * The job's golds with their first {@code maxAnswers} answers in the order they came, each worker's accuracy from
     * his gold record as it stands without that gold (as for a normal item, his answer to it is not part of his
     * record); voided golds' answers and answers outside the label set do not count.
     */
    static List<ClosingReplay.Gold> golds(java.sql.Connection c, long jobId, List<String> labels, int maxAnswers) throws java.sql.SQLException {
        record Row(long item, String label, long worker, boolean correct) {
        }
        // In the order of the index on answered golds (V51): no sort, and no scan of other jobs' assignments. The golds'
        // keys are read on their own, once per gold rather than once per answer.
        List<Row> rows = Db.list(c, rs -> new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4)),
                "SELECT item_id, label, worker_id, gold_correct FROM (SELECT a.item_id, a.label, a.worker_id, a.gold_correct, a.submitted_at, a.id, "
                        + "row_number() OVER (PARTITION BY a.item_id ORDER BY a.submitted_at, a.id) AS n FROM assignment a "
                        + "WHERE a.job_id = ? AND a.is_gold AND a.gold_correct IS NOT NULL AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED')) g "
                        + "WHERE n <= ? ORDER BY item_id, submitted_at, id", jobId, maxAnswers);
        Map<Long, String> goldKeys = new HashMap<>();
        Db.list(c, rs -> goldKeys.put(rs.getLong(1), rs.getString(2)), "SELECT id, gold_label FROM item WHERE job_id = ? AND is_gold", jobId);
        Map<Long, long[]> records = new HashMap<>();
        Db.list(c, rs -> records.put(rs.getLong(1), new long[]{rs.getLong(2), rs.getLong(3)}),
                "SELECT worker_id, gold_answered, gold_correct FROM worker_gold_stats WHERE worker_id = ANY (?)",
                c.createArrayOf("bigint", rows.stream().map(Row::worker).distinct().toArray()));
        Map<Long, List<ClosingReplay.Answer>> byGold = new LinkedHashMap<>();
        Map<Long, Integer> keys = new HashMap<>();
        for (Row r : rows) {
            int key = labels.indexOf(goldKeys.get(r.item()));
            int label = labels.indexOf(r.label());
            if (key < 0 || label < 0) {
                continue; // a key or answer outside the label set (corrected since): not evidence either way
            }
            long[] rec = records.getOrDefault(r.worker(), new long[]{0, 0});
            long answered = Math.max(0, rec[0] - 1);
            long correct = Math.max(0, Math.min(answered, rec[1] - (r.correct() ? 1 : 0)));
            keys.put(r.item(), key);
            byGold.computeIfAbsent(r.item(), k -> new ArrayList<>()).add(new ClosingReplay.Answer(label, WorkerAccuracy.estimate(correct, answered)));
        }
        List<ClosingReplay.Gold> golds = new ArrayList<>();
        byGold.forEach((item, answers) -> golds.add(new ClosingReplay.Gold(keys.get(item), answers)));
        return golds;
    }

    /** A replay at one target as the check reports it. */
    private static AtTarget atTarget(double target, ClosingReplay.Report t) {
        return new AtTarget(target, t.closedAtTarget() + t.closedAtMax() + t.closedByValue(), finite(t.accuracyClosed()), t.closedAtTarget(),
                finite(t.accuracyAtTarget()), finite(t.answersPerClosed()));
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
