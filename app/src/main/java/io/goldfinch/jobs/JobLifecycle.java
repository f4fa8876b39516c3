package io.goldfinch.jobs;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Escrow;
import io.goldfinch.ledger.FairPay;
import io.goldfinch.ledger.Ledger;
import io.goldfinch.matching.MatchingService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running job's owner stops it, starts it again, or cancels it; every such change is recorded with who made it.
 * A job its owner paused stays paused through top-ups; one paused because its escrow ran short resumes on a top-up.
 * Cancelling stops new leases at once; tasks already leased may still be answered, and are reviewed and paid as
 * usual. The escrow that in-flight work cannot need goes back to the requester at once, and the rest once that work
 * is settled.
 */
@Singleton
public class JobLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);

    /** One recorded change to a job. {@code changes} maps a field to its value before and after. */
    @Serdeable
    /** {@code actorId} and {@code actorEmail} are null for a change the system made (a deadline reached). */
    public record Change(long id, @Nullable Long actorId, @Nullable String actorEmail, Instant changedAt, String action, Map<String, Object> changes,
                         @Nullable String note) {
    }

    private final Db db;
    private final Ledger ledger;
    private final MatchingService matching;
    private final JsonMapper json;
    private final Clock clock;

    public JobLifecycle(Db db, Ledger ledger, MatchingService matching, JsonMapper json, Clock clock) {
        this.db = db;
        this.ledger = ledger;
        this.matching = matching;
        this.json = json;
        this.clock = clock;
    }

    /** Stops leasing the job's tasks (leases already out may still be answered). Pausing a job its owner paused is a no-op. */
    public Job pause(@Nullable Long requesterId, long actorId, long jobId, @Nullable String note) {
        Job job = db.tx(c -> {
            Job j = lock(c, requesterId, jobId);
            if ("PAUSED".equals(j.status()) && "OWNER".equals(j.pauseReason())) {
                return j;
            }
            if (!"PUBLISHED".equals(j.status()) && !"PAUSED".equals(j.status())) {
                throw ApiException.conflict("job-not-running", "a " + j.status().toLowerCase() + " job cannot be paused");
            }
            Db.update(c, "UPDATE job SET status = 'PAUSED', pause_reason = 'OWNER' WHERE id = ?", jobId);
            record(c, jobId, actorId, "PAUSE", transition(j, "PAUSED", "OWNER"), note);
            return reread(c, jobId);
        });
        matching.jobsChanged();
        return job;
    }

    /**
     * Opens a paused job to workers again. Its escrow must cover what the job has committed to (409
     * {@code escrow-short} otherwise, with the shortfall, and nothing changes): a top-up first, then resume.
     */
    public Job resume(@Nullable Long requesterId, long actorId, long jobId, @Nullable String note) {
        Job job = db.tx(c -> {
            Job j = lock(c, requesterId, jobId);
            if ("PUBLISHED".equals(j.status())) {
                return j;
            }
            if (!"PAUSED".equals(j.status())) {
                throw ApiException.conflict("job-not-paused", "a " + j.status().toLowerCase() + " job cannot be resumed");
            }
            long perTask = j.rewardMinor() + io.goldfinch.ledger.LedgerRules.feeMinor(j.rewardMinor(), j.feeBps());
            long short_ = Escrow.committedTasks(c, jobId, null) * perTask - ledger.balance(c, Ledger.jobEscrow(jobId));
            if (short_ > 0) {
                throw ApiException.conflict("escrow-short", "the job's escrow is " + short_
                        + " (minor units) short of the work it has committed to; top it up, then resume");
            }
            Db.update(c, "UPDATE job SET status = 'PUBLISHED', pause_reason = NULL WHERE id = ?", jobId);
            record(c, jobId, actorId, "RESUME", transition(j, "PUBLISHED", null), note);
            return reread(c, jobId);
        });
        matching.jobsChanged();
        return job;
    }

    /**
     * Cancels a draft or running job. No new task is leased; leases already out may still be answered until they
     * expire, and those answers are reviewed and paid as usual. The escrow they cannot need returns to the requester
     * now; what is left after they are settled returns then ({@link #settleCancelled()}). Cancelling a cancelled job is
     * a no-op; a completed job cannot be cancelled.
     */
    public Job cancel(@Nullable Long requesterId, long actorId, long jobId, @Nullable String note) {
        record Outcome(Job job, boolean settled) {
        }
        Outcome outcome = db.tx(c -> {
            Job j = lock(c, requesterId, jobId);
            if ("CANCELLED".equals(j.status())) {
                return new Outcome(j, false);
            }
            if ("COMPLETED".equals(j.status()) || "EXPIRED".equals(j.status())) {
                throw ApiException.conflict("job-completed", "a " + j.status().toLowerCase() + " job has ended and cannot be cancelled");
            }
            Timestamp now = Timestamp.from(clock.instant());
            Db.update(c, "UPDATE job SET status = 'CANCELLED', pause_reason = NULL, cancelled_at = ? WHERE id = ?", now, jobId);
            record(c, jobId, actorId, "CANCEL", transition(j, "CANCELLED", null), note);
            boolean settled = settle(c, jobId, now); // a draft has no escrow and nothing in flight: settled at once
            return new Outcome(reread(c, jobId), settled);
        });
        if (outcome.settled()) {
            matching.unload(jobId);
        } else {
            matching.jobsChanged();
        }
        return outcome.job();
    }

    /**
     * Returns a cancelled job's escrow beyond what its in-flight work may cost; once nothing is leased or awaiting
     * review, returns the rest and marks the escrow settled. True when settled.
     */
    private boolean settle(Connection c, long jobId, Timestamp now) throws SQLException {
        long requester = Db.scalarLong(c, "SELECT requester_id FROM job WHERE id = ?", jobId);
        String ended = "EXPIRED".equals(Db.one(c, rs -> rs.getString(1), "SELECT status FROM job WHERE id = ?", jobId).orElse(null))
                ? "job ended at its deadline" : "job cancelled";
        long inFlight = Escrow.inFlightMinor(c, jobId);
        long free = ledger.balance(c, Ledger.jobEscrow(jobId)) - inFlight - (inFlight == 0 ? 0 : floorTopUps(c, jobId));
        if (free > 0) {
            // One key per release: the first at cancellation, the last at settlement (in-flight work is then 0).
            ledger.post(c, new Ledger.Transfer("cancel:" + jobId + (inFlight == 0 ? ":settled" : ":now"), Ledger.jobEscrow(jobId),
                    Ledger.requesterAvailable(requester), free, "RELEASE", jobId, null,
                    ended + (inFlight == 0 ? ": unused escrow returned" : ": escrow beyond in-flight work returned")));
        }
        if (inFlight > 0) {
            return false;
        }
        Db.update(c, "UPDATE job SET escrow_settled_at = ? WHERE id = ?", now, jobId);
        return true;
    }

    /**
     * What the in-flight work of a job with an hourly floor may still be owed in top-ups, at the job's pace so far
     * ({@link FairPay}): kept in escrow with their rewards, so that an answer given after a cancellation or a deadline
     * is brought up to the floor like any other.
     */
    private static long floorTopUps(Connection c, long jobId) throws SQLException {
        record Floor(Long floor, long reward, long tasks) {
        }
        Floor f = Db.one(c, rs -> new Floor((Long) rs.getObject(1), rs.getLong(2), rs.getLong(3)),
                "SELECT j.hourly_floor_minor, j.reward_minor, (SELECT count(*) FROM assignment a WHERE a.job_id = j.id AND a.status IN ('LEASED', 'SUBMITTED')) "
                        + "FROM job j WHERE j.id = ?", jobId).orElseThrow();
        if (f.floor() == null || f.tasks() == 0) {
            return 0;
        }
        return f.tasks() * FairPay.topUpMinor(f.reward(), io.goldfinch.review.PayRates.medianSecondsPerTask(c, jobId), f.floor());
    }

    /**
     * Ends the running jobs whose deadline has passed (EXPIRED): no new leases; in-flight work is answered, reviewed and
     * paid as usual; the escrow it cannot need returns at once, the rest when it is settled. Returns how many.
     */
    @Scheduled(fixedDelay = "${goldfinch.review-interval:30s}", initialDelay = "12s")
    public int expireDue() {
        Instant now = clock.instant();
        List<Long> due = db.tx(c -> Db.list(c, rs -> rs.getLong(1),
                "SELECT id FROM job WHERE status IN ('PUBLISHED', 'PAUSED') AND deadline IS NOT NULL AND deadline <= ? ORDER BY deadline",
                Timestamp.from(now)));
        int expired = 0;
        for (long jobId : due) {
            try {
                Boolean settled = db.tx(c -> {
                    Job j = lock(c, null, jobId);
                    if (!("PUBLISHED".equals(j.status()) || "PAUSED".equals(j.status())) || j.deadline() == null || j.deadline().isAfter(now)) {
                        return null; // changed meanwhile
                    }
                    Db.update(c, "UPDATE job SET status = 'EXPIRED', pause_reason = NULL WHERE id = ?", jobId);
                    record(c, jobId, null, "EXPIRE", transition(j, "EXPIRED", null), "deadline " + j.deadline() + " reached");
                    return settle(c, jobId, Timestamp.from(now));
                });
                if (settled == null) {
                    continue;
                }
                if (settled) {
                    matching.unload(jobId);
                } else {
                    matching.jobsChanged();
                }
                expired++;
                LOG.info("job {} reached its deadline", jobId);
            } catch (RuntimeException e) {
                LOG.warn("ending job {} at its deadline failed: {}", jobId, e.toString());
            }
        }
        return expired;
    }

    /** Settles the cancelled and expired jobs whose in-flight work has all been answered or expired, and reviewed. Returns how many. */
    @Scheduled(fixedDelay = "${goldfinch.review-interval:30s}", initialDelay = "15s")
    public int settleCancelled() {
        List<Long> due = db.tx(c -> Db.list(c, rs -> rs.getLong(1),
                "SELECT j.id FROM job j WHERE j.status IN ('CANCELLED', 'EXPIRED') AND j.escrow_settled_at IS NULL "
                        + "AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.job_id = j.id AND a.status IN ('LEASED', 'SUBMITTED'))"));
        int settled = 0;
        for (long jobId : due) {
            try {
                boolean done = db.tx(c -> {
                    Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? AND escrow_settled_at IS NULL FOR UPDATE", jobId)
                            .orElseThrow(() -> ApiException.notFound("job"));
                    return settle(c, jobId, Timestamp.from(clock.instant()));
                });
                if (done) {
                    matching.unload(jobId);
                    settled++;
                    LOG.info("cancelled job {}: escrow settled", jobId);
                }
            } catch (RuntimeException e) {
                LOG.warn("settling cancelled job {} failed: {}", jobId, e.toString());
            }
        }
        return settled;
    }

    /**
     * Changes a draft's or a running job's settings (those left null stay) and records what changed. A new gold rate on
     * a running job re-budgets its gold tasks: more are reserved from the requester's balance (409
     * {@code insufficient-funds}, and nothing changes, when it cannot pay), fewer release what the escrow no longer needs.
     */
    public Job updateSettings(@Nullable Long requesterId, long actorId, long jobId, JobSettings s) {
        Job job = db.tx(c -> {
            Job j = lock(c, requesterId, jobId);
            boolean running = "PUBLISHED".equals(j.status()) || "PAUSED".equals(j.status());
            if (!running && !"DRAFT".equals(j.status())) {
                throw ApiException.conflict("job-ended", "a " + j.status().toLowerCase() + " job cannot be changed");
            }
            Changes changes = new Changes();
            changes.put("title", "title", j.title(), s.title() == null ? null : s.title().trim());
            changes.put("instructions", "instructions", j.instructions(), s.instructions());
            changes.put("goldRate", "gold_rate", j.goldRate(), s.goldRate());
            changes.put("minAccuracy", "min_accuracy", j.minAccuracy(), s.minAccuracy());
            changes.put("probationGolds", "probation_golds", j.probationGolds(), s.probationGolds());
            changes.put("minMedianSeconds", "min_median_seconds", j.minMedianSeconds(), s.minMedianSeconds());
            changes.put("speedWindow", "speed_window", j.speedWindow(), s.speedWindow());
            changes.put("confidenceTarget", "confidence_target", j.confidenceTarget(), s.confidenceTarget());
            changes.put("requiredSkills", "required_skills", j.requiredSkills(),
                    s.requiredSkills() == null ? null : s.requiredSkills().stream().map(String::trim).distinct().toList());
            changes.putNullable("maxTasksPerWorker", "max_tasks_per_worker", j.maxTasksPerWorker(), s.maxTasksPerWorker());
            changes.putNullable("maxTasksPerWorkerPerDay", "max_tasks_per_worker_per_day", j.maxTasksPerWorkerPerDay(), s.maxTasksPerWorkerPerDay());
            changes.put("priority", "priority", j.priority(), s.priority());
            changes.putNullable("hourlyFloorMinor", "hourly_floor_minor", j.hourlyFloorMinor(), s.hourlyFloorMinor());
            changes.putNullable("labelValueMinor", "label_value_minor", j.labelValueMinor(), s.labelValueMinor());
            changes.put("calibrateConfidence", "calibrate_confidence", j.calibrateConfidence(), s.calibrateConfidence());
            if (s.deadline() != null && !s.deadline().isAfter(clock.instant())) {
                throw ApiException.invalid("deadline", "must be in the future");
            }
            // Stored to the microsecond: compared so, a deadline sent again is no change.
            changes.put("deadline", "deadline", j.deadline(), s.deadline() == null ? null : s.deadline().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
            if (changes.fields.isEmpty()) {
                return j;
            }
            boolean regold = running && changes.fields.containsKey("goldRate");
            if (regold && s.goldRate() > 0 && j.goldCount() == 0) {
                throw ApiException.conflict("golds-missing", "the job has no golds in service to serve at a gold rate");
            }
            List<Object> params = new java.util.ArrayList<>();
            StringBuilder sql = new StringBuilder("UPDATE job SET ");
            for (var e : changes.columns.entrySet()) {
                sql.append(params.isEmpty() ? "" : ", ").append(e.getKey()).append(" = ?");
                Object v = e.getValue();
                params.add(v instanceof List<?> list ? c.createArrayOf("text", list.toArray()) : v instanceof Instant t ? Timestamp.from(t) : v);
            }
            params.add(jobId);
            Db.update(c, sql.append(" WHERE id = ?").toString(), params.toArray());
            if (regold) {
                regold(c, j, s.goldRate(), changes.fields);
            }
            if (changes.fields.containsKey("minMedianSeconds") && s.minMedianSeconds() > 0) {
                io.goldfinch.matching.Pace.backfill(c, jobId); // the limit judges the answers given before it, as its replay did
            }
            long changeId = record(c, jobId, actorId, "SETTINGS", changes.fields, s.note());
            if (regold) {
                settleGoldBudget(c, j, changes.fields, changeId);
            }
            return reread(c, jobId);
        });
        matching.jobsChanged();
        return job;
    }

    /** The fields that change, before and after, and their columns' new values. */
    private static final class Changes {
        final Map<String, List<Object>> fields = new LinkedHashMap<>();
        final Map<String, Object> columns = new LinkedHashMap<>();

        /** {@code after} null: unchanged. */
        void put(String field, String column, Object before, @Nullable Object after) {
            if (after != null && !after.equals(before)) {
                fields.put(field, java.util.Arrays.asList(before, after));
                columns.put(column, after);
            }
        }

        /** {@code after} null: unchanged; 0: none. */
        void putNullable(String field, String column, @Nullable Object before, @Nullable Number after) {
            if (after == null) {
                return;
            }
            Object value = after.longValue() == 0 ? null : after;
            if (!java.util.Objects.equals(before == null ? null : ((Number) before).longValue(), value == null ? null : after.longValue())) {
                fields.put(field, java.util.Arrays.asList(before, value));
                columns.put(column, value);
            }
        }
    }

    /** Sets the running job's new gold-task budget, noting it among the changes. */
    private void regold(Connection c, Job j, double goldRate, Map<String, List<Object>> fields) throws SQLException {
        long before = Db.scalarLong(c, "SELECT gold_task_budget FROM job WHERE id = ?", j.id());
        long used = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold "
                + "AND status IN ('LEASED', 'SUBMITTED', 'ACCEPTED', 'REJECTED')", j.id());
        long after = io.goldfinch.ledger.LedgerRules.goldBudget(j.itemCount(), j.overlapMax(), goldRate, j.goldCount(),
                (long) j.examSize() * j.examSeats(), used);
        Db.update(c, "UPDATE job SET gold_task_budget = ? WHERE id = ?", after, j.id());
        if (after != before) {
            fields.put("goldTaskBudget", java.util.Arrays.asList(before, after));
        }
    }

    /** Reserves the budget's new gold tasks from the requester's balance, or releases what the escrow no longer needs. */
    private void settleGoldBudget(Connection c, Job j, Map<String, List<Object>> fields, long changeId) throws SQLException {
        List<Object> budget = fields.get("goldTaskBudget");
        if (budget == null) {
            return;
        }
        long delta = ((Number) budget.get(1)).longValue() - ((Number) budget.get(0)).longValue();
        long perTask = j.rewardMinor() + io.goldfinch.ledger.LedgerRules.feeMinor(j.rewardMinor(), j.feeBps());
        long requester = Db.scalarLong(c, "SELECT requester_id FROM job WHERE id = ?", j.id());
        if (delta > 0) {
            ledger.post(c, new Ledger.Transfer("job-settings:" + changeId, Ledger.requesterAvailable(requester), Ledger.jobEscrow(j.id()),
                    Math.multiplyExact(delta, perTask), "RESERVE", j.id(), null, "escrow for " + delta + " more gold tasks (new gold rate)"));
            return;
        }
        long surplus = ledger.balance(c, Ledger.jobEscrow(j.id())) - Escrow.committedTasks(c, j.id(), null) * perTask;
        long release = Math.min(Math.multiplyExact(-delta, perTask), surplus);
        if (release > 0) {
            ledger.post(c, new Ledger.Transfer("job-settings:" + changeId, Ledger.jobEscrow(j.id()), Ledger.requesterAvailable(requester),
                    release, "RELEASE", j.id(), null, "escrow for " + (-delta) + " fewer gold tasks returned (new gold rate)"));
        }
    }

    /** The job's recorded changes, oldest first. */
    public List<Change> changes(@Nullable Long requesterId, long jobId) {
        return db.tx(c -> {
            lockless(c, requesterId, jobId);
            return Db.list(c, rs -> new Change(rs.getLong(1), (Long) rs.getObject(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5),
                            parse(rs.getString(6)), rs.getString(7)),
                    "SELECT ch.id, ch.actor_id, u.email, ch.changed_at, ch.action, ch.changes::text, ch.note "
                            + "FROM job_change ch LEFT JOIN app_user u ON u.id = ch.actor_id WHERE ch.job_id = ? ORDER BY ch.id", jobId);
        });
    }

    /** Appends a change; {@code changes} maps a field to [before, after]. */
    long record(Connection c, long jobId, @Nullable Long actorId, String action, Map<String, List<Object>> changes, @Nullable String note) throws SQLException {
        String body;
        try {
            body = json.writeValueAsString(changes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Db.scalarLong(c, "INSERT INTO job_change (job_id, actor_id, changed_at, action, changes, note) VALUES (?, ?, ?, ?, ?::jsonb, ?) RETURNING id",
                jobId, actorId, Timestamp.from(clock.instant()), action, body, note == null || note.isBlank() ? null : note.trim());
    }

    private static Map<String, List<Object>> transition(Job before, String status, @Nullable String pauseReason) {
        Map<String, List<Object>> m = new LinkedHashMap<>();
        m.put("status", java.util.Arrays.asList(before.status(), status));
        if (!java.util.Objects.equals(before.pauseReason(), pauseReason)) {
            m.put("pauseReason", java.util.Arrays.asList(before.pauseReason(), pauseReason));
        }
        return m;
    }

    private Map<String, Object> parse(String text) {
        try {
            return json.readValue(text, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The job, locked; scoped to its requester unless {@code requesterId} is null (quality managers and admins). */
    static Job lock(Connection c, @Nullable Long requesterId, long jobId) throws SQLException {
        return Db.one(c, Job::map, "SELECT " + Job.COLUMNS + " FROM job j WHERE j.id = ? AND (?::bigint IS NULL OR j.requester_id = ?) FOR UPDATE OF j",
                jobId, requesterId, requesterId).orElseThrow(() -> ApiException.notFound("job"));
    }

    private static void lockless(Connection c, @Nullable Long requesterId, long jobId) throws SQLException {
        Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)", jobId, requesterId, requesterId)
                .orElseThrow(() -> ApiException.notFound("job"));
    }

    static Job reread(Connection c, long jobId) throws SQLException {
        return Db.one(c, Job::map, "SELECT " + Job.COLUMNS + " FROM job j WHERE j.id = ?", jobId).orElseThrow();
    }
}
