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
    public record Progress(long itemsTotal, long itemsDone, long answers, long goldAnswers, long goldCorrect,
                           long costSoFarMinor, long reservedMinor, String status, Double medianSecondsPerTask, Long effectiveHourlyMinor) {
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
                    io.goldfinch.ledger.FairPay.effectiveHourlyMinor(reward, median));
        });
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
