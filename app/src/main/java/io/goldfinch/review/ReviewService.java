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

    public ReviewService(Db db, Ledger ledger, MatchingService matching, Clock clock) {
        this.db = db;
        this.ledger = ledger;
        this.matching = matching;
        this.clock = clock;
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

    /** The requester rejects one submitted answer, within the review window, with a reason. */
    public String reject(long requesterId, UUID assignmentId, String reason) {
        if (reason == null || reason.isBlank()) {
            throw ApiException.invalid("reason", "a rejection needs a reason");
        }
        return db.tx(c -> {
            Due due = lockOwned(c, requesterId, assignmentId);
            if (!"SUBMITTED".equals(due.status())) {
                return alreadyReviewed(due, "REJECTED");
            }
            Instant now = clock.instant();
            if (!now.isBefore(due.submittedAt().plusSeconds(3600L * due.windowHours()))) {
                throw ApiException.conflict("review-window-closed", "the review window has closed; the answer is accepted");
            }
            Db.update(c, "UPDATE assignment SET status = 'REJECTED', reviewed_at = ?, review_reason = ? WHERE id = ?",
                    Timestamp.from(now), reason.trim(), due.id());
            ledger.post(c, new Ledger.Transfer("reject:" + due.id(), Ledger.jobEscrow(due.jobId()),
                    Ledger.requesterAvailable(due.requesterId()), due.rewardMinor() + due.feeMinor(), "RELEASE", due.jobId(), due.id(),
                    "rejected answer"));
            return "REJECTED";
        });
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
    }

    /** Accepts every answer whose review window has passed. Returns how many. */
    public int acceptDue() {
        Instant now = clock.instant();
        int total = 0;
        for (int round = 0; round < 1000; round++) {
            int n = db.tx(c -> {
                List<Due> due = Db.list(c, ReviewService::map, "SELECT " + DUE_COLUMNS + " FROM assignment a JOIN job j ON j.id = a.job_id "
                        + "WHERE a.status = 'SUBMITTED' AND a.submitted_at + make_interval(hours => j.review_window_hours) <= ? "
                        + "ORDER BY a.submitted_at LIMIT ? FOR UPDATE OF a SKIP LOCKED", Timestamp.from(now), BATCH);
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
                "SELECT j.id FROM job j WHERE j.status = 'PUBLISHED' "
                        + "AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.job_id = j.id AND a.status IN ('LEASED','SUBMITTED')) "
                        + "AND NOT EXISTS (SELECT 1 FROM item i WHERE i.job_id = j.id AND NOT i.is_gold AND i.closed_at IS NULL)"));
        for (long jobId : done) {
            db.tx(c -> {
                long requester = Db.one(c, rs -> rs.getLong(1), "SELECT requester_id FROM job WHERE id = ? AND status = 'PUBLISHED' FOR UPDATE", jobId)
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
