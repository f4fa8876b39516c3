package io.goldfinch.matching;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.quality.OneCoinPosterior;
import io.goldfinch.quality.WorkerAccuracy;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.http.HttpStatus;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Answers, skips and lease expiry. */
@Singleton
public class TaskService {

    private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
    private static final int SWEEP_BATCH = 500;

    /**
     * The answer was stored. {@code exam} is present only for answers in a job's exam phase (feedback and hint); every
     * other answer, hidden golds included, gets the same two fields.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Submitted(UUID assignmentId, String status, Exam exam) {
        public Submitted(UUID assignmentId, String status) {
            this(assignmentId, status, null);
        }
    }

    /** Feedback on one exam answer: right or not, the expected label, the gold's hint, and progress through the exam. */
    @Serdeable
    public record Exam(boolean correct, String expected, String hint, long answered, int size) {
    }

    private record Lease(UUID id, long jobId, long itemId, boolean gold) {
    }

    /** An item's state after an answer, applied to Redis once the transaction has committed. */
    private record ItemUpdate(long jobId, long itemId, int cap, double score) {
    }

    private final Db db;
    private final MatchingService matching;
    private final Clock clock;

    public TaskService(Db db, MatchingService matching, Clock clock) {
        this.db = db;
        this.matching = matching;
        this.clock = clock;
    }

    /**
     * Stores the worker's answer. A repeat with the same idempotency key (or, without a key, the same label) returns
     * the stored result; a late answer (lease expired) is refused with 409 and neither stored nor paid.
     */
    public Submitted submit(long workerId, UUID assignmentId, String label, String idempotencyKey) {
        Instant now = clock.instant();
        ItemUpdate[] update = new ItemUpdate[1];
        Submitted result = db.tx(c -> {
            record Row(String status, Instant expires, String label, String key, List<String> labels, boolean gold, String goldLabel,
                       long jobId, long itemId, int overlapMin, int overlapMax, double target, Double uncertainty,
                       int examSize, String hint) {
            }
            Row row = Db.one(c, rs -> new Row(rs.getString("status"), rs.getTimestamp("lease_expires_at").toInstant(),
                                    rs.getString("label"), rs.getString("idempotency_key"),
                                    Arrays.asList((String[]) rs.getArray("labels").getArray()), rs.getBoolean("is_gold"), rs.getString("gold_label"),
                                    rs.getLong("job_id"), rs.getLong("item_id"), rs.getInt("overlap_min"), rs.getInt("overlap_max"),
                                    rs.getDouble("confidence_target"), (Double) rs.getObject("model_uncertainty"),
                                    rs.getInt("exam_size"), rs.getString("gold_hint")),
                            "SELECT a.status, a.lease_expires_at, a.label, a.idempotency_key, a.is_gold, a.job_id, a.item_id, j.labels, "
                                    + "j.overlap_min, j.overlap_max, j.confidence_target, j.exam_size, i.gold_label, i.model_uncertainty, i.gold_hint "
                                    + "FROM assignment a JOIN job j ON j.id = a.job_id JOIN item i ON i.id = a.item_id "
                                    + "WHERE a.id = ? AND a.worker_id = ? FOR UPDATE OF a", assignmentId, workerId)
                    .orElseThrow(() -> ApiException.notFound("task"));
            switch (row.status()) {
                case "SUBMITTED", "ACCEPTED", "REJECTED" -> {
                    boolean sameRequest = idempotencyKey != null ? idempotencyKey.equals(row.key())
                            : row.key() == null && Objects.equals(label, row.label());
                    if (sameRequest) {
                        return new Submitted(assignmentId, "SUBMITTED");
                    }
                    throw ApiException.conflict("already-answered", "this task was already answered");
                }
                case "RELEASED", "EXPIRED" -> throw ApiException.conflict("lease-expired", "the lease on this task has ended; the answer was not stored");
                default -> {
                }
            }
            if (!now.isBefore(row.expires())) {
                throw ApiException.conflict("lease-expired", "the lease on this task has ended; the answer was not stored");
            }
            if (label == null || !row.labels().contains(label)) {
                throw ApiException.invalid("label", "must be one of " + row.labels());
            }
            Boolean correct = row.gold() ? label.equals(row.goldLabel()) : null;
            Db.update(c, "UPDATE assignment SET status = 'SUBMITTED', label = ?, submitted_at = ?, idempotency_key = ?, gold_correct = ? WHERE id = ?",
                    label, Timestamp.from(now), idempotencyKey, correct, assignmentId);
            Exam exam = null;
            if (row.gold() && row.examSize() > 0) {
                long before = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE worker_id = ? AND job_id = ? AND is_gold "
                        + "AND status IN ('SUBMITTED','ACCEPTED','REJECTED') AND id <> ?", workerId, row.jobId(), assignmentId);
                if (before < row.examSize()) {
                    exam = new Exam(correct, row.goldLabel(), row.hint(), before + 1, row.examSize());
                }
            }
            if (row.gold()) {
                Db.update(c, "INSERT INTO worker_gold_stats (worker_id, gold_answered, gold_correct) VALUES (?, 1, ?) "
                                + "ON CONFLICT (worker_id) DO UPDATE SET gold_answered = worker_gold_stats.gold_answered + 1, "
                                + "gold_correct = worker_gold_stats.gold_correct + EXCLUDED.gold_correct",
                        workerId, correct ? 1 : 0);
            } else {
                update[0] = updatePosterior(c, row.jobId(), row.itemId(), row.labels(), row.overlapMin(), row.overlapMax(),
                        row.target(), row.uncertainty(), now);
            }
            // The same response for hidden gold and normal tasks; only exam answers get feedback.
            return new Submitted(assignmentId, "SUBMITTED", exam);
        });
        if (update[0] != null) {
            matching.updateItem(update[0].jobId(), update[0].itemId(), update[0].cap(), update[0].score());
        }
        return result;
    }

    /**
     * The online posterior of one item from its answers (one-coin, each worker's accuracy from their gold record), and
     * the dynamic-overlap decision it leads to. O(answers on the item x K).
     */
    private ItemUpdate updatePosterior(Connection c, long jobId, long itemId, List<String> labels, int overlapMin, int overlapMax,
                                       double target, Double uncertainty, Instant now) throws SQLException {
        Db.one(c, rs -> rs.getLong(1), "SELECT id FROM item WHERE id = ? FOR NO KEY UPDATE", itemId);
        List<int[]> answers = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        Db.list(c, rs -> {
                    answers.add(new int[]{labels.indexOf(rs.getString(1))});
                    accuracies.add(WorkerAccuracy.estimate(rs.getLong(3), rs.getLong(2)));
                    return null;
                }, "SELECT a.label, COALESCE(s.gold_answered, 0), COALESCE(s.gold_correct, 0) FROM assignment a "
                        + "LEFT JOIN worker_gold_stats s ON s.worker_id = a.worker_id "
                        + "WHERE a.item_id = ? AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED')", itemId);
        int[] idx = answers.stream().mapToInt(a -> a[0]).toArray();
        double[] acc = accuracies.stream().mapToDouble(Double::doubleValue).toArray();
        double[] posterior = OneCoinPosterior.posterior(labels.size(), idx, acc, null);
        int best = OneCoinPosterior.argmax(posterior);
        OverlapPolicy.Decision decision = OverlapPolicy.decide(idx.length, overlapMin, overlapMax, posterior[best], target);
        Db.update(c, "UPDATE item SET posterior_label = ?, posterior_confidence = ?, closed_at = CASE WHEN ? THEN ?::timestamptz ELSE NULL END WHERE id = ?",
                labels.get(best), posterior[best], decision.close(), Timestamp.from(now), itemId);
        double score = OverlapPolicy.score(idx.length, overlapMin, posterior[best], uncertainty);
        return new ItemUpdate(jobId, itemId, decision.close() ? 0 : decision.cap(), score);
    }

    /** Skip: the lease ends at once, without penalty; the item goes back to the pool for others. */
    public void release(long workerId, UUID assignmentId) {
        Lease lease = db.tx(c -> Db.one(c, rs -> new Lease(assignmentId, rs.getLong(1), rs.getLong(2), rs.getBoolean(3)),
                        "UPDATE assignment SET status = 'RELEASED' WHERE id = ? AND worker_id = ? AND status = 'LEASED' "
                                + "RETURNING job_id, item_id, is_gold", assignmentId, workerId)
                .orElse(null));
        if (lease == null) {
            boolean exists = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE id = ? AND worker_id = ?", assignmentId, workerId) > 0);
            if (!exists) {
                throw ApiException.notFound("task");
            }
            throw new ApiException(HttpStatus.CONFLICT, "not-leased", "this task is no longer leased to you");
        }
        matching.returnSlot(lease.jobId(), lease.itemId(), lease.gold());
    }

    /** Ends leases whose time is up and returns their items to the pool. Returns how many expired. */
    public int expireDue() {
        Instant now = clock.instant();
        List<Lease> expired = db.tx(c -> Db.list(c, rs -> new Lease(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3), rs.getBoolean(4)),
                "UPDATE assignment SET status = 'EXPIRED' WHERE id IN (SELECT id FROM assignment WHERE status = 'LEASED' "
                        + "AND lease_expires_at <= ? ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id, job_id, item_id, is_gold", Timestamp.from(now), SWEEP_BATCH));
        for (Lease lease : expired) {
            matching.returnSlot(lease.jobId(), lease.itemId(), lease.gold());
        }
        if (!expired.isEmpty()) {
            LOG.debug("{} leases expired", expired.size());
        }
        return expired.size();
    }

    @Scheduled(fixedDelay = "${goldfinch.sweep-interval:1s}", initialDelay = "5s")
    void sweep() {
        try {
            for (int round = 0; round < 100 && expireDue() == SWEEP_BATCH; round++) {
                LOG.debug("lease backlog: sweeping again");
            }
        } catch (RuntimeException e) {
            LOG.warn("lease sweep failed: {}", e.toString());
        }
    }
}
