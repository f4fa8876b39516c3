package io.goldfinch.results;

import io.goldfinch.aggregation.LabelAggregation;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.Map;

/** What a requester sees of a job's work: progress, aggregated labels, raw answers. Scoped to the job's owner. */
@Singleton
public class ResultsService {

    @Serdeable
    /**
     * Where a job stands. {@code projectedCostMinor}: what it will have cost when it ends ({@link io.goldfinch.ledger.CostProjection});
     * {@code answersPerClosedItem}: the answers bought per finished item (null before one finished).
     */
    public record Progress(long itemsTotal, long itemsDone, long answers, long goldAnswers, long goldCorrect,
                           long costSoFarMinor, long reservedMinor, String status, Double medianSecondsPerTask, Long effectiveHourlyMinor,
                           long projectedCostMinor, @io.micronaut.core.annotation.Nullable Double answersPerClosedItem) {
    }

    /**
     * Krippendorff's alpha and Fleiss' kappa over the normal items' answers so far (null while no item has two answers,
     * or all carry one label), and the items with two or more answers they use.
     */
    @io.micronaut.serde.annotation.Serdeable
    public record Agreement(long jobId, @io.micronaut.core.annotation.Nullable Double krippendorffAlpha,
                            @io.micronaut.core.annotation.Nullable Double fleissKappa, int itemsUsed) {
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
    private final int exportPage;
    /** Permits for downloads read through a cursor, each holding a pooled connection while the client reads. */
    private final Semaphore cursors;

    public ResultsService(Db db, Ledger ledger, @Value("${goldfinch.exports.page:5000}") int exportPage,
                          @Value("${goldfinch.exports.max-cursors:4}") int maxCursors) {
        if (exportPage < 1 || maxCursors < 1) {
            throw new IllegalArgumentException("goldfinch.exports.page and goldfinch.exports.max-cursors must be at least 1");
        }
        this.db = db;
        this.ledger = ledger;
        this.exportPage = exportPage;
        this.cursors = new Semaphore(maxCursors, true);
    }

    /** Rows per page of a streamed download. */
    int exportPage() {
        return exportPage;
    }

    /** The job, scoped to {@code requesterId}'s jobs; null for any job (quality managers, admins). */
    private static JobInfo owned(Connection c, Long requesterId, long jobId) throws SQLException {
        return Db.one(c, rs -> new JobInfo(rs.getLong(1), Arrays.asList((String[]) rs.getArray(2).getArray()), rs.getInt(3),
                                rs.getString(4), rs.getString(5)),
                        "SELECT id, labels, overlap_max, aggregation_method, status FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)",
                        jobId, requesterId, requesterId)
                .orElseThrow(() -> ApiException.notFound("job"));
    }

    /**
     * Reads the job's items once (grouped by closed or open and answers so far) and its live assignments once (counted
     * by kind): a job of 600,000 items and 1.5 million answers answers in well under a second.
     */
    public Progress progress(Long requesterId, long jobId) {
        return db.tx(c -> {
            JobInfo job = owned(c, requesterId, jobId);
            long items = 0;
            long done = 0;
            long answersOnClosed = 0;
            Map<Integer, Long> open = new HashMap<>();
            record Group(boolean closed, int answers, long items) {
            }
            for (Group g : Db.list(c, rs -> new Group(rs.getBoolean(1), rs.getInt(2), rs.getLong(3)),
                    "SELECT closed_at IS NOT NULL, posterior_answers, count(*) FROM item WHERE job_id = ? AND NOT is_gold GROUP BY 1, 2", jobId)) {
                items += g.items();
                if (g.closed()) {
                    done += g.items();
                    answersOnClosed += g.items() * g.answers();
                } else {
                    open.merge(g.answers(), g.items(), Long::sum);
                }
            }
            long[] n = Db.one(c, rs -> new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)},
                    "SELECT count(*) FILTER (WHERE NOT is_gold AND status <> 'LEASED'), "
                            + "count(*) FILTER (WHERE is_gold AND gold_correct IS NOT NULL AND status <> 'LEASED'), "
                            + "count(*) FILTER (WHERE is_gold AND gold_correct AND status <> 'LEASED'), "
                            + "count(*) FILTER (WHERE status IN ('LEASED','SUBMITTED')), count(*) FILTER (WHERE is_gold) "
                            + "FROM assignment WHERE job_id = ? AND status IN " + LIVE, jobId).orElseThrow();
            long spent = Db.scalarLong(c, "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_transfer WHERE job_id = ? AND kind IN ('REWARD','FEE','FLOOR_TOPUP')", jobId);
            long reserved = ledger.balance(c, Ledger.jobEscrow(jobId));
            Double median = io.goldfinch.review.PayRates.medianSecondsPerTask(c, jobId);
            record Terms(int overlapMin, int overlapMax, double goldRate, long goldBudget, long reward, int feeBps) {
            }
            Terms t = Db.one(c, rs -> new Terms(rs.getInt(1), rs.getInt(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5), rs.getInt(6)),
                    "SELECT overlap_min, overlap_max, gold_rate, gold_task_budget, reward_minor, fee_bps FROM job WHERE id = ?", jobId).orElseThrow();
            // What the job will have cost when it ends: paid, plus in-flight work, plus what its open items are expected
            // to buy (none once it has ended). A leased task is counted in flight, and not yet on its item.
            long perTask = t.reward() + io.goldfinch.ledger.LedgerRules.feeMinor(t.reward(), t.feeBps());
            boolean running = List.of("DRAFT", "PUBLISHED", "PAUSED").contains(job.status());
            double expected = io.goldfinch.ledger.CostProjection.expectedAnswersPerItem(done, answersOnClosed, t.overlapMin(), t.overlapMax());
            long remaining = running ? io.goldfinch.ledger.CostProjection.remainingNormalTasks(open, expected, t.overlapMax()) : 0;
            // A draft has no gold budget yet: its quote's.
            long goldLeft = "DRAFT".equals(job.status()) ? Long.MAX_VALUE : Math.max(0, t.goldBudget() - n[4]);
            long projected = io.goldfinch.ledger.CostProjection.projectedMinor(spent, n[3], remaining, running ? t.goldRate() : 0, goldLeft, perTask);
            return new Progress(items, done, n[0], n[1], n[2], spent, reserved, job.status(), median,
                    io.goldfinch.ledger.FairPay.effectiveHourlyMinor(t.reward(), median), projected, done == 0 ? null : (double) answersOnClosed / done);
        });
    }

    private static final String LIVE = "('LEASED','SUBMITTED','ACCEPTED','REJECTED')";

    /** The job's agreement so far: read once per call, not with every progress refresh (it reads all the job's answers). */
    public Agreement agreement(Long requesterId, long jobId) {
        return db.tx(c -> {
            owned(c, requesterId, jobId);
            return agreement(c, jobId);
        });
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
            return new Agreement(jobId, null, null, 0);
        }
        double[] perClass = rows.stream().mapToDouble(Row::perClass).toArray();
        Row first = rows.get(0);
        var stats = new io.goldfinch.aggregation.Agreement.Sums(first.items(), first.disagree(), first.agree(), perClass).stats();
        return new Agreement(jobId, Double.isNaN(stats.krippendorffAlpha()) ? null : stats.krippendorffAlpha(),
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

    /**
     * The job's answers in the order they came, for a streamed download: 404 now for a job the caller may not see; the
     * rows are read, when the body is first asked for, through a cursor (one read-only transaction, a page per round
     * trip), so the answers of a large job are never all in memory. At most {@code goldfinch.exports.max-cursors} such
     * downloads read at once (each holds a pooled connection while its client reads); more wait their turn.
     */
    Callable<Exports.Pages<RawAnswer>> answers(Long requesterId, long jobId) {
        db.tx(c -> owned(c, requesterId, jobId));
        return () -> {
            cursors.acquire();
            try {
                Db.Cursor<RawAnswer> cursor = db.cursor(rs -> new RawAnswer(rs.getString(1), rs.getLong(2), rs.getString(3),
                                rs.getBoolean(4), rs.getString(5), rs.getTimestamp(6).toInstant()), exportPage,
                        "SELECT i.external_id, a.worker_id, a.label, a.is_gold, a.status, a.submitted_at FROM assignment a "
                                + "JOIN item i ON i.id = a.item_id WHERE a.job_id = ? AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED') "
                                + "ORDER BY a.submitted_at, a.id", jobId);
                return new Exports.Pages<>() {
                    @Override
                    public List<RawAnswer> next() {
                        return cursor.next(exportPage);
                    }

                    @Override
                    public void close() {
                        try {
                            cursor.close();
                        } finally {
                            cursors.release();
                        }
                    }
                };
            } catch (RuntimeException e) {
                cursors.release();
                throw e;
            }
        };
    }
}
