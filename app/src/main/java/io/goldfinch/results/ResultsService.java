package io.goldfinch.results;

import io.goldfinch.aggregation.LabelAggregation;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a requester sees of a job's work: progress, aggregated labels, raw answers. Scoped to the job's owner. */
@Singleton
public class ResultsService {

    @Serdeable
    /**
     * Where a job stands. {@code projectedCostMinor}: what it will have cost when it ends ({@link io.goldfinch.ledger.CostProjection});
     * {@code answersPerClosedItem}: the labels bought per finished item; {@code agreement}: Krippendorff's alpha and
     * Fleiss' kappa over the normal items' answers so far (null while no item has two answers, or all carry one label).
     */
    public record Progress(long itemsTotal, long itemsDone, long answers, long goldAnswers, long goldCorrect,
                           long costSoFarMinor, long reservedMinor, String status, Double medianSecondsPerTask, Long effectiveHourlyMinor,
                           long projectedCostMinor, @io.micronaut.core.annotation.Nullable Double answersPerClosedItem,
                           @io.micronaut.core.annotation.Nullable Agreement agreement) {
    }

    @io.micronaut.serde.annotation.Serdeable
    public record Agreement(@io.micronaut.core.annotation.Nullable Double krippendorffAlpha, @io.micronaut.core.annotation.Nullable Double fleissKappa,
                            int itemsUsed) {
    }

    @Serdeable
    public record ItemResult(String item, String label, double confidence, int answers, String method) {
    }

    @Serdeable
    public record RawAnswer(String item, long worker, String label, boolean gold, String status, Instant submittedAt) {
    }

    private record JobInfo(long id, List<String> labels, int overlapMax, String method, String status) {
    }

    /** The method of an item whose label an expert set. */
    public static final String ADJUDICATED = "adjudicated";

    private final Db db;
    private final Ledger ledger;

    public ResultsService(Db db, Ledger ledger) {
        this.db = db;
        this.ledger = ledger;
    }

    /** The job, scoped to {@code requesterId}'s jobs; null for any job (quality managers, admins). */
    private static JobInfo owned(Connection c, Long requesterId, long jobId) throws SQLException {
        return Db.one(c, rs -> new JobInfo(rs.getLong(1), Arrays.asList((String[]) rs.getArray(2).getArray()), rs.getInt(3),
                                rs.getString(4), rs.getString(5)),
                        "SELECT id, labels, overlap_max, aggregation_method, status FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)",
                        jobId, requesterId, requesterId)
                .orElseThrow(() -> ApiException.notFound("job"));
    }

    public Progress progress(Long requesterId, long jobId) {
        return db.tx(c -> {
            JobInfo job = owned(c, requesterId, jobId);
            long items = Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold", jobId);
            long done = Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold AND closed_at IS NOT NULL", jobId);
            long answers = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND NOT is_gold AND status IN ('SUBMITTED','ACCEPTED','REJECTED')", jobId);
            long goldAnswers = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold AND gold_correct IS NOT NULL AND status IN ('SUBMITTED','ACCEPTED','REJECTED')", jobId);
            long goldCorrect = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold AND gold_correct AND status IN ('SUBMITTED','ACCEPTED','REJECTED')", jobId);
            long spent = Db.scalarLong(c, "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_transfer WHERE job_id = ? AND kind IN ('REWARD','FEE','FLOOR_TOPUP')", jobId);
            long reserved = ledger.balance(c, Ledger.jobEscrow(jobId));
            Double median = io.goldfinch.review.PayRates.medianSecondsPerTask(c, jobId);
            long reward = Db.scalarLong(c, "SELECT reward_minor FROM job WHERE id = ?", jobId);
            return new Progress(items, done, answers, goldAnswers, goldCorrect, spent, reserved, job.status(), median,
                    io.goldfinch.ledger.FairPay.effectiveHourlyMinor(reward, median), projection(c, jobId, spent), perClosedItem(c, jobId, done),
                    agreement(c, jobId));
        });
    }

    private static final String LIVE = "('LEASED','SUBMITTED','ACCEPTED','REJECTED')";

    /** What the job will have cost when it ends: paid, plus in-flight work, plus what its open items are expected to buy. */
    private static long projection(Connection c, long jobId, long spent) throws java.sql.SQLException {
        record Terms(int overlapMin, int overlapMax, double goldRate, long goldBudget, long reward, int feeBps, String status) {
        }
        Terms t = Db.one(c, rs -> new Terms(rs.getInt(1), rs.getInt(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5), rs.getInt(6), rs.getString(7)),
                "SELECT overlap_min, overlap_max, gold_rate, gold_task_budget, reward_minor, fee_bps, status FROM job WHERE id = ?", jobId).orElseThrow();
        long perTask = t.reward() + io.goldfinch.ledger.LedgerRules.feeMinor(t.reward(), t.feeBps());
        long inFlight = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND status IN ('LEASED','SUBMITTED')", jobId);
        if (!List.of("DRAFT", "PUBLISHED", "PAUSED").contains(t.status())) {
            return io.goldfinch.ledger.CostProjection.projectedMinor(spent, inFlight, 0, 0, 0, perTask);
        }
        long[] closed = Db.one(c, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                "SELECT count(DISTINCT i.id), count(a.id) FROM item i LEFT JOIN assignment a ON a.item_id = i.id AND a.status IN " + LIVE
                        + " WHERE i.job_id = ? AND NOT i.is_gold AND i.closed_at IS NOT NULL", jobId).orElseThrow();
        Map<Integer, Long> open = new HashMap<>();
        Db.list(c, rs -> open.put(rs.getInt(1), rs.getLong(2)),
                "SELECT n, count(*) FROM (SELECT (SELECT count(*) FROM assignment a WHERE a.item_id = i.id AND a.status IN " + LIVE + ") AS n "
                        + "FROM item i WHERE i.job_id = ? AND NOT i.is_gold AND i.closed_at IS NULL) t GROUP BY n", jobId);
        double expected = io.goldfinch.ledger.CostProjection.expectedAnswersPerItem(closed[0], closed[1], t.overlapMin(), t.overlapMax());
        long remaining = io.goldfinch.ledger.CostProjection.remainingNormalTasks(open, expected, t.overlapMax());
        long goldUsed = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold AND status IN " + LIVE, jobId);
        // A draft has no gold budget yet: its quote's.
        long goldLeft = "DRAFT".equals(t.status()) ? Long.MAX_VALUE : Math.max(0, t.goldBudget() - goldUsed);
        return io.goldfinch.ledger.CostProjection.projectedMinor(spent, inFlight, remaining, t.goldRate(), goldLeft, perTask);
    }

    /** Answers (normal, stored) per closed item; null before any item closed. */
    private static Double perClosedItem(Connection c, long jobId, long done) throws java.sql.SQLException {
        if (done == 0) {
            return null;
        }
        long answers = Db.scalarLong(c, "SELECT count(*) FROM assignment a JOIN item i ON i.id = a.item_id WHERE a.job_id = ? AND NOT a.is_gold "
                + "AND i.closed_at IS NOT NULL AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED')", jobId);
        return (double) answers / done;
    }

    /** Agreement over the normal items' answers the results use (submitted and accepted), summed in the database (one row per label). */
    private static Agreement agreement(Connection c, long jobId) throws java.sql.SQLException {
        record Row(double perClass, int items, double disagree, double agree) {
        }
        List<Row> rows = Db.list(c, rs -> new Row(rs.getDouble(1), rs.getInt(2), rs.getDouble(3), rs.getDouble(4)),
                "WITH cnt AS (SELECT item_id, label, count(*)::float8 AS n FROM assignment WHERE job_id = ? AND NOT is_gold "
                        + "  AND status IN ('SUBMITTED','ACCEPTED') GROUP BY item_id, label), "
                        + "per AS (SELECT item_id, sum(n) AS m, sum(n * (n - 1)) AS same FROM cnt GROUP BY item_id HAVING sum(n) >= 2), "
                        + "lab AS (SELECT c.label, sum(c.n) AS nc FROM cnt c JOIN per p ON p.item_id = c.item_id GROUP BY c.label) "
                        + "SELECT lab.nc, s.items, s.disagree, s.agree FROM lab CROSS JOIN (SELECT count(*)::int AS items, "
                        + "  COALESCE(sum((m * (m - 1) - same) / (m - 1)), 0) AS disagree, COALESCE(sum(same / (m * (m - 1))), 0) AS agree FROM per) s", jobId);
        if (rows.isEmpty()) {
            return null;
        }
        double[] perClass = rows.stream().mapToDouble(Row::perClass).toArray();
        Row first = rows.get(0);
        var stats = new io.goldfinch.aggregation.Agreement.Sums(first.items(), first.disagree(), first.agree(), perClass).stats();
        return new Agreement(Double.isNaN(stats.krippendorffAlpha()) ? null : stats.krippendorffAlpha(),
                Double.isNaN(stats.fleissKappa()) ? null : stats.fleissKappa(), stats.itemsUsed());
    }

    /**
     * The label per item from every answer so far (golds clamped to their known label, then left out of the output). An
     * item an expert adjudicated has the expert's label, confidence 1 and method {@code adjudicated}; it is clamped in
     * the fit like a gold.
     */
    public List<ItemResult> results(Long requesterId, long jobId) {
        record Loaded(JobInfo job, List<LabelAggregation.Answer> answers, Map<String, String> gold, Map<String, String> adjudicated) {
        }
        Loaded loaded = db.tx(c -> {
            JobInfo job = owned(c, requesterId, jobId);
            List<LabelAggregation.Answer> answers = Db.list(c, rs -> new LabelAggregation.Answer(rs.getString(1), rs.getString(2),
                            rs.getString(3), rs.getLong(4)),
                    "SELECT i.external_id, a.worker_id::text, a.label, extract(epoch FROM a.submitted_at)::bigint * 1000 "
                            + "FROM assignment a JOIN item i ON i.id = a.item_id "
                            + "WHERE a.job_id = ? AND a.status IN ('SUBMITTED','ACCEPTED') ORDER BY a.submitted_at", jobId);
            Map<String, String> gold = new HashMap<>();
            Db.list(c, rs -> gold.put(rs.getString(1), rs.getString(2)),
                    "SELECT external_id, gold_label FROM item WHERE job_id = ? AND is_gold", jobId);
            Map<String, String> adjudicated = new HashMap<>();
            Db.list(c, rs -> adjudicated.put(rs.getString(1), rs.getString(2)),
                    "SELECT DISTINCT ON (x.item_id) i.external_id, x.label FROM item_adjudication x JOIN item i ON i.id = x.item_id "
                            + "WHERE x.job_id = ? ORDER BY x.item_id, x.id DESC", jobId);
            return new Loaded(job, answers, gold, adjudicated);
        });
        Map<String, String> clamped = new HashMap<>(loaded.adjudicated());
        clamped.putAll(loaded.gold());
        LabelAggregation.Outcome outcome = LabelAggregation.aggregate(loaded.answers(), clamped, loaded.job().labels(),
                loaded.job().method());
        List<ItemResult> out = new ArrayList<>(outcome.items().size());
        for (LabelAggregation.ItemLabel item : outcome.items()) {
            String expert = loaded.adjudicated().get(item.item());
            if (loaded.gold().containsKey(item.item())) {
                continue;
            }
            out.add(expert != null ? new ItemResult(item.item(), expert, 1.0, item.answers(), ADJUDICATED)
                    : new ItemResult(item.item(), item.label(), item.confidence(), item.answers(), outcome.method()));
        }
        out.sort(java.util.Comparator.comparing(ItemResult::item));
        return out;
    }

    public List<RawAnswer> answers(Long requesterId, long jobId) {
        return db.tx(c -> {
            owned(c, requesterId, jobId);
            return Db.list(c, rs -> new RawAnswer(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
                            rs.getTimestamp(6).toInstant()),
                    "SELECT i.external_id, a.worker_id, a.label, a.is_gold, a.status, a.submitted_at FROM assignment a "
                            + "JOIN item i ON i.id = a.item_id WHERE a.job_id = ? AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED') "
                            + "ORDER BY a.submitted_at, a.id", jobId);
        });
    }
}
