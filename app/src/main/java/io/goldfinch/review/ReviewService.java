package io.goldfinch.review;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.goldfinch.matching.MatchingService;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Acceptance and pay. An answer is accepted when its requester approves it or when its review window passes; its reward
 * then moves from the job's escrow to the worker and the platform fee to the platform. A rejection needs a reason and
 * returns reward and fee to the requester. Every posting has an idempotency key derived from the assignment.
 */
@Singleton
public class ReviewService {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewService.class);
    private static final int BATCH = 500;

    private record Due(UUID id, long jobId, long workerId, long requesterId, long rewardMinor, long feeMinor, Instant submittedAt,
                       int windowHours, String status) {
    }

    private static final String DUE_COLUMNS = "a.id, a.job_id, a.worker_id, j.requester_id, a.reward_minor, a.fee_minor, a.submitted_at, "
            + "j.review_window_hours, a.status";

    private final Db db;
    private final Ledger ledger;
    private final MatchingService matching;
    private final Clock clock;

    private final double posteriorThreshold;
    private final double maxRejectedShare;

    public ReviewService(Db db, Ledger ledger, MatchingService matching, Clock clock,
                         @io.micronaut.context.annotation.Value("${goldfinch.review.posterior-threshold:0.7}") double posteriorThreshold,
                         @io.micronaut.context.annotation.Value("${goldfinch.review.max-rejected-share:0.2}") double maxRejectedShare) {
        this.db = db;
        this.ledger = ledger;
        this.matching = matching;
        this.clock = clock;
        this.posteriorThreshold = posteriorThreshold;
        this.maxRejectedShare = maxRejectedShare;
    }

    private static Due map(java.sql.ResultSet rs) throws SQLException {
        return new Due(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant(), rs.getInt(8), rs.getString(9));
    }

    /** The requester of the job approves one submitted answer. Foreign or unknown ids answer 404. */
    public String approve(long requesterId, UUID assignmentId) {
        return db.tx(c -> {
            Due due = lockOwned(c, requesterId, assignmentId);
            if (!"SUBMITTED".equals(due.status())) {
                return alreadyReviewed(due, "ACCEPTED");
            }
            accept(c, due, "approved");
            return "ACCEPTED";
        });
    }

    /**
     * An answer the requester may reject, with the evidence the server would accept: the crowd's label contradicting
     * it (the key, for a gold) with {@code crowdConfidence}, and the worker's failed golds in the job.
     */
    @io.micronaut.serde.annotation.Serdeable
    public record Candidate(UUID assignmentId, String item, long worker, String label, Instant submittedAt, Instant windowClosesAt,
                            @io.micronaut.core.annotation.Nullable String crowdLabel, @io.micronaut.core.annotation.Nullable Double crowdConfidence,
                            long goldAnswered, long goldFailed, List<EvidenceKind> evidence) {
    }

    /** The job's answers open to review with evidence against them, strongest first; {@code total} counts them all. */
    @io.micronaut.serde.annotation.Serdeable
    public record ReviewQueue(long jobId, double posteriorThreshold, long total, List<Candidate> answers) {
    }

    /**
     * Submitted answers still in their review window that a rejection could cite evidence against: the item's crowd label
     * (a gold's key) contradicts the answer with at least the posterior threshold, or the worker failed at least half of
     * his golds in this job (two or more). Contradicted answers first, most confident first, then by the worker's failures.
     */
    public ReviewQueue reviewQueue(Long requesterId, long jobId, int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.invalid("limit", "must be 1 to 1000");
        }
        return db.tx(c -> {
            Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)", jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            String from = "WITH w AS (SELECT worker_id, count(*) FILTER (WHERE gold_correct IS NOT NULL) AS answered, "
                    + "count(*) FILTER (WHERE gold_correct = FALSE) AS failed FROM assignment "
                    + "WHERE job_id = ? AND is_gold AND status IN ('SUBMITTED','ACCEPTED','REJECTED') GROUP BY worker_id), "
                    + "c AS (SELECT a.id, i.external_id, a.worker_id, a.label, a.submitted_at, "
                    + "a.submitted_at + make_interval(hours => j.review_window_hours) AS closes, "
                    + "CASE WHEN a.is_gold THEN CASE WHEN i.gold_voided_at IS NULL THEN i.gold_label END ELSE i.posterior_label END AS crowd, "
                    + "CASE WHEN a.is_gold THEN CASE WHEN i.gold_voided_at IS NULL THEN 1.0 END ELSE i.posterior_confidence END AS conf, "
                    + "COALESCE(w.answered, 0) AS answered, COALESCE(w.failed, 0) AS failed "
                    + "FROM assignment a JOIN item i ON i.id = a.item_id JOIN job j ON j.id = a.job_id LEFT JOIN w ON w.worker_id = a.worker_id "
                    + "WHERE a.job_id = ? AND a.status = 'SUBMITTED'), "
                    + "q AS (SELECT *, (crowd IS NOT NULL AND crowd <> label AND conf >= ?) AS contradicted, "
                    + "(failed >= 2 AND failed * 2 >= answered) AS failing FROM c WHERE closes > ?) ";
            Timestamp now = Timestamp.from(clock.instant());
            long total = Db.scalarLong(c, from + "SELECT count(*) FROM q WHERE contradicted OR failing", jobId, jobId, posteriorThreshold, now);
            List<Candidate> answers = Db.list(c, rs -> {
                        List<EvidenceKind> kinds = new java.util.ArrayList<>();
                        if (rs.getBoolean("contradicted")) {
                            kinds.add(EvidenceKind.POSTERIOR);
                        }
                        if (rs.getLong("failed") > 0) {
                            kinds.add(EvidenceKind.FAILED_GOLDS);
                        }
                        Object confValue = rs.getObject("conf");
                        Double conf = confValue == null ? null : ((Number) confValue).doubleValue();
                        return new Candidate(rs.getObject("id", UUID.class), rs.getString("external_id"), rs.getLong("worker_id"), rs.getString("label"),
                                rs.getTimestamp("submitted_at").toInstant(), rs.getTimestamp("closes").toInstant(), rs.getString("crowd"),
                                conf, rs.getLong("answered"), rs.getLong("failed"), List.copyOf(kinds));
                    },
                    from + "SELECT * FROM q WHERE contradicted OR failing ORDER BY contradicted DESC, conf DESC NULLS LAST, failed DESC, submitted_at, id "
                            + "LIMIT " + limit, jobId, jobId, posteriorThreshold, now);
            return new ReviewQueue(jobId, posteriorThreshold, total, answers);
        });
    }

    /** What a rejection cites; checked by the server against what it knows. */
    public enum EvidenceKind { FAILED_GOLDS, POSTERIOR }

    /**
     * Rejects one submitted answer, within the review window, with a reason and evidence the server verifies: the
     * worker's failed golds in this job, or the item's posterior contradicting the answer. A requester's rejection that
     * would push the share of this worker's answers they rejected past the cap waits for a quality manager instead.
     * {@code requesterId} null: a quality manager acting on any job.
     */
    public String reject(Long requesterId, long actorId, UUID assignmentId, String reason, EvidenceKind kind) {
        if (reason == null || reason.isBlank()) {
            throw ApiException.invalid("reason", "a rejection needs a reason");
        }
        if (kind == null) {
            throw ApiException.invalid("evidence", "a rejection must cite evidence: FAILED_GOLDS or POSTERIOR");
        }
        return db.tx(c -> {
            Due due = requesterId == null ? lockAny(c, assignmentId) : lockOwned(c, requesterId, assignmentId);
            if (!"SUBMITTED".equals(due.status())) {
                return alreadyReviewed(due, "REJECTED");
            }
            Instant now = clock.instant();
            if (!now.isBefore(due.submittedAt().plusSeconds(3600L * due.windowHours()))) {
                throw ApiException.conflict("review-window-closed", "the review window has closed; the answer is accepted");
            }
            String evidence = evidence(c, due, kind);
            if (requesterId != null && overCap(c, due)) {
                Db.update(c, "INSERT INTO rejection_request (id, assignment_id, requester_id, reason, evidence, status, created_at) "
                                + "VALUES (?, ?, ?, ?, ?::jsonb, 'PENDING', ?) ON CONFLICT (assignment_id) DO NOTHING",
                        UUID.randomUUID(), due.id(), requesterId, reason.trim(), evidence, Timestamp.from(now));
                return "PENDING_QUALITY_REVIEW";
            }
            applyRejection(c, due, reason.trim(), evidence, now);
            return "REJECTED";
        });
    }

    private void applyRejection(Connection c, Due due, String reason, String evidence, Instant now) throws SQLException {
        Db.update(c, "UPDATE assignment SET status = 'REJECTED', reviewed_at = ?, review_reason = ?, review_evidence = ?::jsonb WHERE id = ?",
                Timestamp.from(now), reason, evidence, due.id());
        ledger.post(c, new Ledger.Transfer("reject:" + due.id(), Ledger.jobEscrow(due.jobId()),
                Ledger.requesterAvailable(due.requesterId()), due.rewardMinor() + due.feeMinor(), "RELEASE", due.jobId(), due.id(),
                "rejected answer"));
    }

    /** The evidence as stored JSON, or a 422 when the server cannot find it. */
    private String evidence(Connection c, Due due, EvidenceKind kind) throws SQLException {
        if (kind == EvidenceKind.FAILED_GOLDS) {
            List<String> failed = Db.list(c, rs -> rs.getString(1),
                    "SELECT i.external_id FROM assignment a JOIN item i ON i.id = a.item_id WHERE a.job_id = ? AND a.worker_id = ? "
                            + "AND a.is_gold AND a.gold_correct = FALSE AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED') ORDER BY a.submitted_at",
                    due.jobId(), due.workerId());
            if (failed.isEmpty()) {
                throw new ApiException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, "evidence-not-found",
                        "this worker has failed no gold in this job");
            }
            return "{\"kind\":\"FAILED_GOLDS\",\"failedGolds\":" + jsonArray(failed) + "}";
        }
        record Posterior(String answer, String label, double confidence, boolean gold, String goldLabel) {
        }
        // A voided gold's key is evidence of nothing: no truth to contradict.
        Posterior p = Db.one(c, rs -> new Posterior(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getBoolean(4), rs.getString(5)),
                "SELECT a.label, i.posterior_label, COALESCE(i.posterior_confidence, 0), i.is_gold, "
                        + "CASE WHEN i.gold_voided_at IS NULL THEN i.gold_label END "
                        + "FROM assignment a JOIN item i ON i.id = a.item_id WHERE a.id = ?", due.id()).orElseThrow();
        String truth = p.gold() ? p.goldLabel() : p.label();
        double confidence = p.gold() ? 1.0 : p.confidence();
        if (truth == null || truth.equals(p.answer()) || confidence < posteriorThreshold) {
            throw new ApiException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, "evidence-not-found",
                    "the item's posterior does not contradict this answer with confidence >= " + posteriorThreshold);
        }
        return String.format(java.util.Locale.ROOT, "{\"kind\":\"POSTERIOR\",\"answer\":%s,\"posteriorLabel\":%s,\"confidence\":%.4f}",
                jsonString(p.answer()), jsonString(truth), confidence);
    }

    /** Would this rejection put the requester's rejections of this worker above the allowed share of their answers? */
    private boolean overCap(Connection c, Due due) throws SQLException {
        long[] counts = Db.one(c, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                "SELECT count(*), count(*) FILTER (WHERE a.status = 'REJECTED') FROM assignment a JOIN job j ON j.id = a.job_id "
                        + "WHERE j.requester_id = ? AND a.worker_id = ? AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED')",
                due.requesterId(), due.workerId()).orElseThrow();
        return RejectionCap.exceeded(counts[1] + 1, counts[0], maxRejectedShare);
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(ReviewService::jsonString).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** A quality manager decides a rejection that waited for review. */
    public String decideRejection(long qmId, UUID requestId, boolean approve) {
        return db.tx(c -> {
            record Req(UUID assignment, String reason, String evidence, String status) {
            }
            Req req = Db.one(c, rs -> new Req(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4)),
                            "SELECT assignment_id, reason, evidence::text, status FROM rejection_request WHERE id = ? FOR UPDATE", requestId)
                    .orElseThrow(() -> ApiException.notFound("rejection request"));
            if (!"PENDING".equals(req.status())) {
                throw ApiException.conflict("already-decided", "this rejection request was already " + req.status().toLowerCase());
            }
            Instant now = clock.instant();
            Db.update(c, "UPDATE rejection_request SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                    approve ? "APPROVED" : "DENIED", Timestamp.from(now), qmId, requestId);
            Due due = lockAny(c, req.assignment());
            if (!"SUBMITTED".equals(due.status())) {
                return due.status();
            }
            if (approve) {
                applyRejection(c, due, req.reason(), req.evidence(), now);
                return "REJECTED";
            }
            accept(c, due, "rejection denied by quality review");
            return "ACCEPTED";
        });
    }

    /**
     * A rejection as its worker sees it: the job, their answer, the reason and the kind of evidence with what it may
     * show a worker (how many golds they failed, the crowd's confidence; never which items were golds or a gold's key),
     * the answer's status now (ACCEPTED after a reversal) and the appeal, if any.
     */
    @io.micronaut.serde.annotation.Serdeable
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record WorkerRejection(UUID assignmentId, String job, String yourLabel, Instant submittedAt, Instant reviewedAt, String reason,
                                  String evidence, Integer failedGolds, Double crowdConfidence, String status, String appealStatus,
                                  String appealNote, long rewardMinor) {
    }

    /** The worker's rejections (current and reversed), newest first, at most 200. */
    public List<WorkerRejection> workerRejections(long workerId) {
        return db.tx(c -> Db.list(c, rs -> {
                    String evidence = rs.getString(7);
                    String kind = evidence.contains("\"FAILED_GOLDS\"") ? "FAILED_GOLDS" : "POSTERIOR";
                    Integer failed = null;
                    Double confidence = null;
                    if (kind.equals("FAILED_GOLDS")) {
                        failed = rs.getInt(13);
                    } else {
                        confidence = rs.getDouble(14);
                    }
                    Timestamp reviewed = rs.getTimestamp(5);
                    return new WorkerRejection(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                            reviewed == null ? null : reviewed.toInstant(), rs.getString(6), kind, failed, confidence, rs.getString(8),
                            rs.getString(9), rs.getString(10), rs.getLong(11));
                },
                "SELECT a.id, j.title, a.label, a.submitted_at, a.reviewed_at, a.review_reason, a.review_evidence::text, a.status, "
                        + "ap.status, ap.note, a.reward_minor, a.reviewed_at, "
                        + "COALESCE(jsonb_array_length(a.review_evidence->'failedGolds'), 0), COALESCE((a.review_evidence->>'confidence')::float8, 0) "
                        + "FROM assignment a JOIN job j ON j.id = a.job_id LEFT JOIN appeal ap ON ap.assignment_id = a.id "
                        + "WHERE a.worker_id = ? AND a.review_evidence IS NOT NULL ORDER BY a.reviewed_at DESC NULLS LAST, a.id LIMIT 200", workerId));
    }

    /** The worker appeals a rejection of their own answer. */
    public UUID appeal(long workerId, UUID assignmentId, String message) {
        return db.tx(c -> {
            String status = Db.one(c, rs -> rs.getString(1), "SELECT status FROM assignment WHERE id = ? AND worker_id = ? FOR UPDATE",
                    assignmentId, workerId).orElseThrow(() -> ApiException.notFound("assignment"));
            if (!"REJECTED".equals(status)) {
                throw ApiException.conflict("not-rejected", "only a rejected answer can be appealed");
            }
            UUID id = UUID.randomUUID();
            int n = Db.update(c, "INSERT INTO appeal (id, assignment_id, worker_id, message, status, created_at) VALUES (?, ?, ?, ?, 'PENDING', ?) "
                    + "ON CONFLICT (assignment_id) DO NOTHING", id, assignmentId, workerId, message.trim(), Timestamp.from(clock.instant()));
            if (n == 0) {
                throw ApiException.conflict("already-appealed", "this rejection was already appealed");
            }
            return id;
        });
    }

    /**
     * A quality manager decides an appeal. Reversing it accepts the answer and pays it: the reward and the fee come back
     * from the requester's balance (where the rejection had returned them).
     */
    public String decideAppeal(long qmId, UUID appealId, boolean reverse, String note) {
        return db.tx(c -> {
            record Ap(UUID assignment, String status) {
            }
            Ap ap = Db.one(c, rs -> new Ap(rs.getObject(1, UUID.class), rs.getString(2)),
                    "SELECT assignment_id, status FROM appeal WHERE id = ? FOR UPDATE", appealId).orElseThrow(() -> ApiException.notFound("appeal"));
            if (!"PENDING".equals(ap.status())) {
                throw ApiException.conflict("already-decided", "this appeal was already " + ap.status().toLowerCase());
            }
            Instant now = clock.instant();
            Db.update(c, "UPDATE appeal SET status = ?, decided_at = ?, decided_by = ?, note = ? WHERE id = ?",
                    reverse ? "REVERSED" : "UPHELD", Timestamp.from(now), qmId, note, appealId);
            if (!reverse) {
                return "UPHELD";
            }
            reverse(c, lockAny(c, ap.assignment()), "rejection reversed on appeal", "appeal", now);
            return "REVERSED";
        });
    }

    /**
     * Turns a rejected answer into an accepted one and pays it: the rejection returned reward and fee to the
     * requester's balance; the reversal takes them back from there, or, when the requester has spent it, from the job's
     * escrow (their money too), pausing the job if that leaves it short. When neither can pay, 409 and nothing happens.
     * {@code keyPrefix} makes the ledger's idempotency keys ({@code <prefix>:<assignment>:reward|fee}).
     */
    private void reverse(Connection c, Due due, String reason, String keyPrefix, Instant now) throws SQLException {
        if (!"REJECTED".equals(due.status())) {
            // e.g. an appeal decided after a gold correction already reversed (and paid) the rejection
            throw ApiException.conflict("not-rejected", "this answer is no longer rejected (" + due.status().toLowerCase() + ")");
        }
        Db.update(c, "UPDATE assignment SET status = 'ACCEPTED', reviewed_at = ?, review_reason = ? WHERE id = ?",
                Timestamp.from(now), reason, due.id());
        long owed = due.rewardMinor() + due.feeMinor();
        String source = Ledger.requesterAvailable(due.requesterId());
        boolean fromEscrow = false;
        if (ledger.balance(c, source) < owed) {
            if (ledger.balance(c, Ledger.jobEscrow(due.jobId())) < owed) {
                throw ApiException.conflict("requester-underfunded", "neither the requester's balance nor the job's escrow holds the "
                        + owed + " minor units this reversal pays; add funds first");
            }
            source = Ledger.jobEscrow(due.jobId());
            fromEscrow = true;
        }
        ledger.post(c, new Ledger.Transfer(keyPrefix + ":" + due.id() + ":reward", source,
                Ledger.workerBalance(due.workerId()), due.rewardMinor(), "REWARD", due.jobId(), due.id(), reason));
        if (due.feeMinor() > 0) {
            ledger.post(c, new Ledger.Transfer(keyPrefix + ":" + due.id() + ":fee", source, Ledger.FEES,
                    due.feeMinor(), "FEE", due.jobId(), due.id(), "platform fee on a reversed rejection"));
        }
        if (fromEscrow) {
            pauseIfShort(c, due);
        }
        // An appeal still waiting on this rejection is settled by the reversal.
        Db.update(c, "UPDATE appeal SET status = 'REVERSED', decided_at = ?, note = ? WHERE assignment_id = ? AND status = 'PENDING'",
                Timestamp.from(now), reason, due.id());
    }

    /** Rejections a corrected gold key no longer supports, reversed and paid: how many, and what the workers got. */
    public record Reversals(int count, long paidMinor) {
        public Reversals plus(Reversals other) {
            return new Reversals(count + other.count, paidMinor + other.paidMinor);
        }
    }

    /**
     * After gold {@code goldItemId} of job {@code jobId} got a new key (and its answers were re-scored), in the caller's
     * transaction: reverses (and pays) every rejection in the job that the old key caused and the new one no longer
     * supports: a FAILED_GOLDS rejection citing this gold whose cited golds the worker no longer failed, and a rejection
     * of an answer to this gold that matches the new key.
     */
    public Reversals reverseAfterGoldFix(Connection c, long jobId, long goldItemId, String goldExternalId, String newKey) throws SQLException {
        Instant now = clock.instant();
        Reversals cited = reverseCitedRejections(c, jobId, goldExternalId, "rejection reversed: the gold it cited was corrected", "gold-fix", now);
        List<UUID> onGold = Db.list(c, rs -> rs.getObject(1, UUID.class),
                "SELECT id FROM assignment WHERE item_id = ? AND status = 'REJECTED' AND label = ? ORDER BY id FOR UPDATE", goldItemId, newKey);
        return cited.plus(reverseAll(c, onGold, "rejection reversed: the gold's key was corrected to this answer", "gold-fix", now));
    }

    /** Reverses the FAILED_GOLDS rejections in the job citing the gold whose cited golds the worker no longer fails. */
    private Reversals reverseCitedRejections(Connection c, long jobId, String goldExternalId, String why, String keyPrefix, Instant now) throws SQLException {
        record Rejected(UUID id, long worker, String evidence) {
        }
        List<Rejected> cited = Db.list(c, rs -> new Rejected(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3)),
                "SELECT id, worker_id, review_evidence::text FROM assignment WHERE job_id = ? AND status = 'REJECTED' "
                        + "AND review_evidence->>'kind' = 'FAILED_GOLDS' AND jsonb_exists(review_evidence->'failedGolds', ?) ORDER BY id FOR UPDATE",
                jobId, goldExternalId);
        List<UUID> unsupported = new java.util.ArrayList<>();
        for (Rejected r : cited) {
            long stillFailed = Db.scalarLong(c, "SELECT count(*) FROM assignment a JOIN item i ON i.id = a.item_id "
                            + "WHERE a.job_id = ? AND a.worker_id = ? AND a.is_gold AND a.gold_correct = FALSE "
                            + "AND i.external_id IN (SELECT jsonb_array_elements_text(?::jsonb->'failedGolds'))",
                    jobId, r.worker(), r.evidence());
            if (stillFailed == 0) {
                unsupported.add(r.id());
            }
        }
        return reverseAll(c, unsupported, why, keyPrefix, now);
    }

    /**
     * After a gold's answers were voided: reverses and pays the FAILED_GOLDS rejections citing it that cite no gold the
     * worker still fails, and the rejections of answers to the gold itself (its key no longer counts as evidence).
     */
    public Reversals reverseAfterGoldVoid(Connection c, long jobId, long goldItemId, String goldExternalId) throws SQLException {
        Instant now = clock.instant();
        Reversals cited = reverseCitedRejections(c, jobId, goldExternalId, "rejection reversed: the gold it cited was voided", "gold-void", now);
        List<UUID> onGold = Db.list(c, rs -> rs.getObject(1, UUID.class),
                "SELECT id FROM assignment WHERE item_id = ? AND status = 'REJECTED' ORDER BY id FOR UPDATE", goldItemId);
        return cited.plus(reverseAll(c, onGold, "rejection reversed: the gold it answered was voided", "gold-void", now));
    }

    /** Reverses and pays each of these rejected answers. */
    private Reversals reverseAll(Connection c, List<UUID> rejected, String why, String keyPrefix, Instant now) throws SQLException {
        int count = 0;
        long paid = 0;
        for (UUID id : rejected) {
            Due due = lockAny(c, id);
            reverse(c, due, why, keyPrefix, now);
            count++;
            paid += due.rewardMinor();
        }
        return new Reversals(count, paid);
    }

    private Due lockAny(Connection c, UUID assignmentId) throws SQLException {
        return Db.one(c, ReviewService::map, "SELECT " + DUE_COLUMNS + " FROM assignment a JOIN job j ON j.id = a.job_id "
                        + "WHERE a.id = ? FOR UPDATE OF a", assignmentId)
                .orElseThrow(() -> ApiException.notFound("assignment"));
    }

    private static String alreadyReviewed(Due due, String wanted) {
        if (wanted.equals(due.status())) {
            return wanted;
        }
        throw ApiException.conflict("not-reviewable", "this assignment is " + due.status() + " and cannot be " + wanted.toLowerCase());
    }

    private Due lockOwned(Connection c, long requesterId, UUID assignmentId) throws SQLException {
        return Db.one(c, ReviewService::map, "SELECT " + DUE_COLUMNS + " FROM assignment a JOIN job j ON j.id = a.job_id "
                        + "WHERE a.id = ? AND j.requester_id = ? FOR UPDATE OF a", assignmentId, requesterId)
                .orElseThrow(() -> ApiException.notFound("assignment"));
    }

    private void accept(Connection c, Due due, String how) throws SQLException {
        Db.update(c, "UPDATE assignment SET status = 'ACCEPTED', reviewed_at = ?, review_reason = ? WHERE id = ?",
                Timestamp.from(clock.instant()), how, due.id());
        ledger.post(c, new Ledger.Transfer("accept:" + due.id() + ":reward", Ledger.jobEscrow(due.jobId()),
                Ledger.workerBalance(due.workerId()), due.rewardMinor(), "REWARD", due.jobId(), due.id(), "accepted task"));
        if (due.feeMinor() > 0) {
            ledger.post(c, new Ledger.Transfer("accept:" + due.id() + ":fee", Ledger.jobEscrow(due.jobId()), Ledger.FEES,
                    due.feeMinor(), "FEE", due.jobId(), due.id(), "platform fee"));
        }
        topUpToFloor(c, due);
    }

    /**
     * Fair pay: when the job has an hourly floor and its measured rate (reward at the median pace) is below it, the
     * accepted task is topped up from escrow — only from escrow not committed to other work. When the surplus cannot
     * cover the top-up, the job pauses (no new leases) until its requester tops the escrow up.
     */
    private void topUpToFloor(Connection c, Due due) throws SQLException {
        Long floor = Db.one(c, rs -> (Long) rs.getObject(1), "SELECT hourly_floor_minor FROM job WHERE id = ?", due.jobId()).orElse(null);
        if (floor == null) {
            return;
        }
        long topUp = io.goldfinch.ledger.FairPay.topUpMinor(due.rewardMinor(), PayRates.medianSecondsPerTask(c, due.jobId()), floor);
        if (topUp == 0) {
            return;
        }
        long surplus = ledger.balance(c, Ledger.jobEscrow(due.jobId())) - committedMinor(c, due);
        long paid = Math.max(0, Math.min(topUp, surplus));
        if (paid > 0) {
            ledger.post(c, new Ledger.Transfer("floor:" + due.id(), Ledger.jobEscrow(due.jobId()), Ledger.workerBalance(due.workerId()),
                    paid, "FLOOR_TOPUP", due.jobId(), due.id(), "top-up to the job's hourly floor"));
        }
        if (paid < topUp) {
            pause(c, due.jobId(), "its escrow cannot pay the hourly floor on committed work");
        }
    }

    /** Pauses the job when its escrow no longer covers the work it has committed to. */
    private void pauseIfShort(Connection c, Due due) throws SQLException {
        if (ledger.balance(c, Ledger.jobEscrow(due.jobId())) < committedMinor(c, due)) {
            pause(c, due.jobId(), "its escrow no longer covers the work it has committed to");
        }
    }

    private void pause(Connection c, long jobId, String why) throws SQLException {
        if (Db.update(c, "UPDATE job SET status = 'PAUSED', pause_reason = 'FUNDS' WHERE id = ? AND status = 'PUBLISHED'", jobId) > 0) {
            matching.jobsChanged();
            LOG.info("job {} paused: {}", jobId, why);
        }
    }

    /** What the job's escrow must still pay, at reward plus fee per task, for the work it has committed to besides {@code due}. */
    private long committedMinor(Connection c, Due due) throws SQLException {
        return io.goldfinch.ledger.Escrow.committedTasks(c, due.jobId(), due.id()) * (due.rewardMinor() + due.feeMinor());
    }

    /** Accepts every answer whose review window has passed. Returns how many. */
    public int acceptDue() {
        Instant now = clock.instant();
        int total = 0;
        for (int round = 0; round < 1000; round++) {
            int n = db.tx(c -> {
                // Job by job, so that the window bounds submitted_at and the sweep reads only what is due (V35). The batch
                // size is part of the statement, so that the plan kept for it is made for a small limit.
                List<Due> due = Db.list(c, ReviewService::map, "SELECT " + DUE_COLUMNS + " FROM job j CROSS JOIN LATERAL ("
                        + "  SELECT * FROM assignment a WHERE a.job_id = j.id AND a.status = 'SUBMITTED' "
                        + "  AND a.submitted_at <= ?::timestamptz - make_interval(hours => j.review_window_hours) "
                        + "  AND NOT EXISTS (SELECT 1 FROM rejection_request r WHERE r.assignment_id = a.id AND r.status = 'PENDING') "
                        + "  ORDER BY a.submitted_at LIMIT " + BATCH + ") a "
                        + "ORDER BY a.submitted_at LIMIT " + BATCH + " FOR UPDATE OF a SKIP LOCKED", Timestamp.from(now));
                for (Due d : due) {
                    accept(c, d, "review window passed");
                }
                return due.size();
            });
            total += n;
            if (n < BATCH) {
                break;
            }
        }
        return total;
    }

    /**
     * Completes published jobs with nothing left to do: every item is closed (confidence target met or maximum overlap reached), nothing is leased or awaiting
     * review. What is left in escrow goes back to the requester.
     */
    public int completeFinishedJobs() {
        List<Long> done = db.tx(c -> Db.list(c, rs -> rs.getLong(1),
                "SELECT j.id FROM job j WHERE j.status IN ('PUBLISHED', 'PAUSED') "
                        + "AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.job_id = j.id AND a.status IN ('LEASED','SUBMITTED')) "
                        + "AND NOT EXISTS (SELECT 1 FROM item i WHERE i.job_id = j.id AND NOT i.is_gold AND i.closed_at IS NULL)"));
        for (long jobId : done) {
            db.tx(c -> {
                long requester = Db.one(c, rs -> rs.getLong(1), "SELECT requester_id FROM job WHERE id = ? AND status IN ('PUBLISHED', 'PAUSED') FOR UPDATE", jobId)
                        .orElse(-1L);
                if (requester < 0) {
                    return null;
                }
                Db.update(c, "UPDATE job SET status = 'COMPLETED' WHERE id = ?", jobId);
                long left = ledger.balance(c, Ledger.jobEscrow(jobId));
                if (left > 0) {
                    ledger.post(c, new Ledger.Transfer("complete:" + jobId, Ledger.jobEscrow(jobId), Ledger.requesterAvailable(requester),
                            left, "RELEASE", jobId, null, "job completed: unused escrow returned"));
                }
                return null;
            });
            matching.unload(jobId);
            LOG.info("job {} completed", jobId);
        }
        return done.size();
    }

    @Scheduled(fixedDelay = "${goldfinch.review-interval:30s}", initialDelay = "10s")
    void run() {
        try {
            acceptDue();
            completeFinishedJobs();
        } catch (RuntimeException e) {
            LOG.warn("review run failed: {}", e.toString());
        }
    }
}
