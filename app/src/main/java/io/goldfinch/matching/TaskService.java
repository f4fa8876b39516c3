package io.goldfinch.matching;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.http.HttpStatus;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Answers, skips and lease expiry. */
@Singleton
public class TaskService {

    private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
    private static final int SWEEP_BATCH = 500;

    /**
     * The answer was stored. {@code exam} is present only for answers in a job's exam phase (feedback and hint); every
     * other answer, hidden golds included, gets the same fields. {@code next} is present only when the worker asked for
     * the next task in the same call and one was leased.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Submitted(UUID assignmentId, String status, @io.micronaut.core.annotation.Nullable Exam exam,
                            @io.micronaut.core.annotation.Nullable Task next) {
        public Submitted(UUID assignmentId, String status) {
            this(assignmentId, status, null, null);
        }

        public Submitted(UUID assignmentId, String status, Exam exam) {
            this(assignmentId, status, exam, null);
        }

        Submitted withNext(Task task) {
            return new Submitted(assignmentId, status, exam, task);
        }
    }

    /** Feedback on one exam answer: right or not, the expected label, the gold's hint, and progress through the exam. */
    @Serdeable
    public record Exam(boolean correct, String expected, String hint, long answered, int size) {
    }

    private record Lease(UUID id, long jobId, long itemId, boolean gold) {
    }


    private final Db db;
    private final MatchingService matching;
    private final Clock clock;
    private final AnswerStore answers;

    public TaskService(Db db, MatchingService matching, Clock clock, AnswerStore answers) {
        this.answers = answers;
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
        // Validation, the stored answer and the gold record in one database call, grouped with concurrent answers.
        return settle(workerId, assignmentId, answers.submit(new AnswerStore.Answer(assignmentId, workerId, label, idempotencyKey, now)));
    }

    /** What a stored answer's outcome means for the worker: the result, or the refusal as an API error. */
    private Submitted settle(long workerId, UUID assignmentId, AnswerStore.Stored stored) {
        AnswerStore.Outcome o = stored.outcome();
        switch (o.outcome()) {
            case "NOT_FOUND" -> throw ApiException.notFound("task");
            case "REPEAT" -> {
                return new Submitted(assignmentId, "SUBMITTED");
            }
            case "ALREADY_ANSWERED" -> throw ApiException.conflict("already-answered", "this task was already answered");
            case "LEASE_EXPIRED" -> throw ApiException.conflict("lease-expired", "the lease on this task has ended; the answer was not stored");
            case "BAD_LABEL" -> throw ApiException.invalid("label", "must be one of " + o.labels());
            case "STORED" -> {
            }
            default -> throw new IllegalStateException("unexpected outcome " + o.outcome());
        }
        matching.answered(o.jobId(), assignmentId); // golds and normal answers alike: the same work, the same time
        if (o.gold()) {
            matching.goldAnswered(workerId, Boolean.TRUE.equals(o.correct()));
            // Hidden golds answer exactly like normal tasks; only an exam answer gets feedback.
            Exam exam = o.examBefore() != null && o.examBefore() < o.examSize()
                    ? new Exam(Boolean.TRUE.equals(o.correct()), o.goldLabel(), o.hint(), o.examBefore() + 1, o.examSize())
                    : null;
            return new Submitted(assignmentId, "SUBMITTED", exam);
        }
        // The item's posterior was stored with the answer; Redis learns the item's new cap and serving score (without
        // the response waiting for it: a gold answer, above, has nothing to tell Redis and must not answer faster).
        AnswerStore.Decision d = stored.decision();
        matching.updateItemLater(o.jobId(), o.itemId(), d.close() ? 0 : d.cap(), d.score(), d.posterior().answers());
        return new Submitted(assignmentId, "SUBMITTED");
    }

    /**
     * Stores the answer and then leases the worker's next task, in one call: the labeling loop needs one request per
     * task instead of two. The answer is settled first and is never undone: if no task is free, or the next lease is
     * refused for any reason (the worker just failed an exam, the job closed, ...), the result simply has no
     * {@code next} and the client asks {@code /tasks/next}, which explains the refusal. A retry of the same answer
     * leases another task; the one whose response was lost expires like any unanswered lease.
     */
    public Submitted submitAndNext(long workerId, UUID assignmentId, String label, String idempotencyKey, Long jobId) {
        // Mostly the next task is taken in Redis first and its lease written in the answer's own transaction (one group,
        // one commit); where that cannot be (MatchingService.prepare), or Postgres refused the lease, or the answer was a
        // gold's, the lease is asked for after the answer, as a request of its own would.
        Optional<MatchingService.Prepared> prepared;
        try {
            prepared = matching.prepare(workerId, jobId);
        } catch (RuntimeException e) {
            LOG.debug("no next task prepared for worker {}: {}", workerId, e.toString());
            prepared = Optional.empty();
        }
        AnswerStore.Stored stored;
        try {
            stored = answers.submit(new AnswerStore.Answer(assignmentId, workerId, label, idempotencyKey, clock.instant(),
                    prepared.map(MatchingService.Prepared::claim).orElse(null)));
        } catch (RuntimeException e) {
            prepared.ifPresent(p -> giveBack(p, false)); // whether its lease was written is unknown: not served again
            throw e;
        }
        if (prepared.isPresent() && stored.next() == null) {
            // Refused by Postgres: the slot goes back and the item stays in the worker's seen-set, as after any refusal.
            // Not asked of Postgres (a gold's answer, or an answer refused): the worker may be served the item after all.
            giveBack(prepared.get(), !AnswerStore.leaseAsked(stored.outcome()));
        }
        Submitted submitted = settle(workerId, assignmentId, stored);
        if (stored.next() != null) {
            return submitted.withNext(matching.granted(prepared.orElseThrow(), stored.next()));
        }
        try {
            return matching.next(workerId, jobId, Duration.ZERO).map(submitted::withNext).orElse(submitted);
        } catch (ApiException e) {
            LOG.debug("answer stored; no next task for worker {}: {}", workerId, e.getMessage());
            return submitted;
        } catch (RuntimeException e) {
            LOG.warn("answer stored; leasing the next task for worker {} failed: {}", workerId, e.toString());
            return submitted;
        }
    }

    private void giveBack(MatchingService.Prepared p, boolean neverAsked) {
        try {
            if (neverAsked) {
                matching.unprepare(p);
            } else {
                matching.returnSlot(p.claim().jobId(), p.claim().itemId(), p.claim().gold());
            }
        } catch (RuntimeException e) {
            LOG.warn("returning the slot of item {} failed ({}); the reconciler repairs it", p.claim().itemId(), e.toString());
        }
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
