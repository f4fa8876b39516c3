package io.goldfinch.jobs;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.goldfinch.ledger.LedgerRules;
import io.goldfinch.matching.Eligibility;
import io.goldfinch.matching.MatchingService;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Creating, filling and publishing jobs. Every read and write is scoped to the requester who owns the job. */
@Singleton
public class JobService {

    /** Result of an upload: how many rows were stored, and the first errors with their line numbers. */
    @Serdeable
    public record UploadReport(long rows, long accepted, long rejected, List<RowError> errors, boolean errorsTruncated) {
    }

    @Serdeable
    public record RowError(long line, String message) {
    }

    public static final int MAX_REPORTED_ERRORS = 1000;

    private final Db db;
    private final Ledger ledger;
    private final MatchingService matching;
    private final JsonMapper json;
    private final Clock clock;
    private final int feeBps;

    public JobService(Db db, Ledger ledger, MatchingService matching, JsonMapper json, Clock clock,
                      @Value("${goldfinch.platform-fee-bps:1000}") int feeBps) {
        this.db = db;
        this.ledger = ledger;
        this.matching = matching;
        this.json = json;
        this.clock = clock;
        this.feeBps = feeBps;
    }

    public Job create(long requesterId, JobSpec spec) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        if (spec.overlapMax() < spec.overlapMin()) {
            errors.add(new ApiException.FieldError("overlapMax", "must be at least overlapMin"));
        }
        Set<String> labels = new LinkedHashSet<>();
        for (String label : spec.labels()) {
            if (!labels.add(label.trim())) {
                errors.add(new ApiException.FieldError("labels", "duplicate label '" + label.trim() + "'"));
            }
        }
        if (spec.deadline() != null && !spec.deadline().isAfter(clock.instant())) {
            errors.add(new ApiException.FieldError("deadline", "must be in the future"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("the job is not valid", errors);
        }
        return db.tx(c -> {
            List<String> skills = spec.requiredSkills() == null ? List.of() : spec.requiredSkills().stream().map(String::trim).distinct().toList();
            long id = Db.scalarLong(c, "INSERT INTO job (requester_id, title, instructions, labels, reward_minor, overlap_min, overlap_max, "
                            + "gold_rate, review_window_hours, fee_bps, aggregation_method, confidence_target, min_accuracy, required_skills, "
                            + "max_tasks_per_worker, max_tasks_per_worker_per_day, priority, exam_size, exam_pass_share, exam_seats, hourly_floor_minor, deadline, probation_golds, min_median_seconds, speed_window, label_value_minor, calibrate_confidence, status, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'DRAFT', ?) RETURNING id",
                    requesterId, spec.title().trim(), spec.instructions(), c.createArrayOf("text", labels.toArray()),
                    spec.rewardMinor(), spec.overlapMin(), spec.overlapMax(), spec.goldRate(), spec.reviewWindowHours(), feeBps,
                    spec.aggregationMethod() == null ? "auto" : spec.aggregationMethod(),
                    spec.confidenceTarget() == null ? 0.95 : spec.confidenceTarget(), spec.minAccuracy() == null ? 0.0 : spec.minAccuracy(),
                    c.createArrayOf("text", skills.toArray()), spec.maxTasksPerWorker(), spec.maxTasksPerWorkerPerDay(),
                    spec.priority() == null ? 0 : spec.priority(), spec.examSize() == null ? 0 : spec.examSize(),
                    spec.examPassShare() == null ? 0.8 : spec.examPassShare(), spec.examSeats() == null ? 20 : spec.examSeats(),
                    spec.hourlyFloorMinor(), spec.deadline() == null ? null : Timestamp.from(spec.deadline().truncatedTo(java.time.temporal.ChronoUnit.MICROS)),
                    spec.probationGolds() == null ? Eligibility.PROBATION_GOLDS : spec.probationGolds(),
                    spec.minMedianSeconds() == null ? 0.0 : spec.minMedianSeconds(), spec.speedWindow() == null ? 10 : spec.speedWindow(),
                    spec.labelValueMinor(), spec.calibrateConfidence() == null || spec.calibrateConfidence(), Timestamp.from(clock.instant()));
            return get(c, requesterId, id);
        });
    }

    /**
     * A new draft with a job's settings: every field a job is created with, except its deadline (which has usually
     * passed); {@code title} or the old one with " (copy)". With {@code golds}, the job's golds in service come along
     * (keys, hints and the gold set they came from); items never do: a new job labels new items.
     */
    public Job duplicate(long requesterId, long jobId, @io.micronaut.core.annotation.Nullable String title, boolean golds) {
        Job j = get(requesterId, jobId);
        String name = title != null ? title.trim() : (j.title().length() > 193 ? j.title().substring(0, 193) : j.title()) + " (copy)";
        Job copy = create(requesterId, new JobSpec(name, j.instructions(), j.labels(), j.rewardMinor(), j.overlapMin(), j.overlapMax(), j.goldRate(),
                j.reviewWindowHours(), j.aggregationMethod(), j.confidenceTarget(), j.minAccuracy(), j.requiredSkills(), j.maxTasksPerWorker(),
                j.maxTasksPerWorkerPerDay(), j.priority(), j.examSize(), j.examPassShare(), j.examSeats(), j.hourlyFloorMinor(), null, j.probationGolds(),
                j.minMedianSeconds(), j.speedWindow(), j.labelValueMinor(), j.calibrateConfidence()));
        if (!golds) {
            return copy;
        }
        return db.tx(c -> {
            Db.update(c, "INSERT INTO item (job_id, external_id, data, is_gold, gold_label, gold_hint, gold_source) "
                    + "SELECT ?, external_id, data, true, gold_label, gold_hint, gold_source FROM item "
                    + "WHERE job_id = ? AND is_gold AND gold_retired_at IS NULL AND gold_voided_at IS NULL ORDER BY id", copy.id(), jobId);
            return get(c, requesterId, copy.id());
        });
    }

    public List<Job> list(long requesterId) {
        return db.tx(c -> Db.list(c, Job::map, "SELECT " + Job.COLUMNS + " FROM job j WHERE j.requester_id = ? ORDER BY j.id DESC", requesterId));
    }

    public Job get(long requesterId, long jobId) {
        return db.tx(c -> get(c, requesterId, jobId));
    }

    static Job get(Connection c, long requesterId, long jobId) throws SQLException {
        return Db.one(c, Job::map, "SELECT " + Job.COLUMNS + " FROM job j WHERE j.id = ? AND j.requester_id = ?", jobId, requesterId)
                .orElseThrow(() -> ApiException.notFound("job"));
    }

    /**
     * Streams rows into the job (a draft; golds also into a running job). {@code requesterId} scopes it to that
     * requester's jobs, null for any job (quality managers and admins, golds only). Good rows are stored, bad rows are reported; the whole upload is one
     * transaction, so a failure midway leaves nothing half-stored.
     */
    public UploadReport upload(Long requesterId, long jobId, boolean gold, ItemParser.Format format, InputStream body) {
        UploadReport report = db.tx(c -> {
            Job job = Db.one(c, Job::map, "SELECT " + Job.COLUMNS + " FROM job j WHERE j.id = ? AND (?::bigint IS NULL OR j.requester_id = ?) FOR UPDATE",
                            jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            // Golds may also be added while the job runs (more golds for a long job, or to replace retired ones): they
            // take none of the escrow's money, which pays for the gold tasks the gold rate asks for, whichever golds they are.
            boolean running = "PUBLISHED".equals(job.status()) || "PAUSED".equals(job.status());
            if (!"DRAFT".equals(job.status()) && !(gold && running)) {
                throw ApiException.conflict("job-not-draft", gold ? "golds can be added only to a draft, published or paused job"
                        : "items can be added only before the job is published");
            }
            Set<String> existing = new HashSet<>(Db.list(c, rs -> rs.getString(1), "SELECT external_id FROM item WHERE job_id = ?", jobId));
            var sink = new RowSink(c.prepareStatement("INSERT INTO item (job_id, external_id, data, is_gold, gold_label, prelabel, model_uncertainty, gold_hint) "
                    + "VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?)"), existing, (insert, row) -> {
                insert.setLong(1, jobId);
                insert.setString(2, row.externalId());
                insert.setString(3, row.dataJson());
                insert.setBoolean(4, gold);
                insert.setString(5, row.label());
                insert.setString(6, row.modelLabel());
                insert.setObject(7, row.modelUncertainty());
                insert.setString(8, row.hint());
            });
            return sink.drain(new ItemParser(json, gold, new HashSet<>(job.labels())), body, format);
        });
        if (gold && report.accepted() > 0) {
            matching.syncGolds(jobId); // a running job serves them at once (a draft's are read when it is published)
        }
        if (report.accepted() >= ANALYZE_AFTER_ROWS) {
            // Fresh statistics before the job is read page by page (publish, reconcile): planned on the counts of a
            // table that was empty or small, the page query sorted all of the job's items for every page (0.4 s a
            // page at 600,000 items, so publishing such a job took minutes); with them, it reads a page by index in 3 ms.
            db.autocommit(c -> Db.update(c, "ANALYZE item"));
        }
        return report;
    }

    /** Uploads at least this large refresh the item table's planner statistics when they commit. */
    static final int ANALYZE_AFTER_ROWS = 10_000;

    public LedgerRules.Quote quote(long requesterId, long jobId) {
        return db.tx(c -> quote(get(c, requesterId, jobId)));
    }

    private static LedgerRules.Quote quote(Job job) {
        return LedgerRules.quote(job.itemCount(), job.overlapMax(), job.goldRate(), job.goldCount(), job.rewardMinor(), job.feeBps(),
                (long) job.examSize() * job.examSeats());
    }

    /**
     * Adds money from the requester's balance to a job's escrow; a job paused because its escrow could not cover what it
     * had committed resumes (one its owner paused stays paused). {@code reference} is the requester's idempotency key for this top-up.
     */
    public Job topUp(long requesterId, long jobId, long amountMinor, String reference) {
        Job job = db.tx(c -> {
            Job j = Db.one(c, Job::map, "SELECT " + Job.COLUMNS + " FROM job j WHERE j.id = ? AND j.requester_id = ? FOR UPDATE", jobId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            if (!"PUBLISHED".equals(j.status()) && !"PAUSED".equals(j.status())) {
                throw ApiException.conflict("job-not-running", "only a published or paused job can be topped up");
            }
            ledger.post(c, new Ledger.Transfer("job-topup:" + jobId + ":" + reference, Ledger.requesterAvailable(requesterId),
                    Ledger.jobEscrow(jobId), amountMinor, "RESERVE", jobId, null, "escrow top-up"));
            Db.update(c, "UPDATE job SET status = 'PUBLISHED', pause_reason = NULL WHERE id = ? AND status = 'PAUSED' AND pause_reason IS DISTINCT FROM 'OWNER'", jobId);
            return get(c, requesterId, jobId);
        });
        matching.jobsChanged();
        return job;
    }

    /** Reserves the whole budget in escrow and opens the job to workers. Too little money: 409, nothing changes. */
    public Job publish(long requesterId, long jobId) {
        Job published = db.tx(c -> {
            Job job = Db.one(c, Job::map, "SELECT " + Job.COLUMNS + " FROM job j WHERE j.id = ? AND j.requester_id = ? FOR UPDATE", jobId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            if ("PUBLISHED".equals(job.status())) {
                return job;
            }
            if (!"DRAFT".equals(job.status())) {
                throw ApiException.conflict("job-not-draft", "a " + job.status().toLowerCase() + " job cannot be published");
            }
            if (job.itemCount() == 0) {
                throw ApiException.conflict("job-empty", "upload items before publishing");
            }
            if (job.deadline() != null && !job.deadline().isAfter(clock.instant())) {
                throw ApiException.conflict("deadline-passed", "the job's deadline has passed; move it (PATCH /api/jobs/" + jobId + ") first");
            }
            if (job.examSize() > job.goldCount()) {
                throw ApiException.conflict("golds-missing", "the exam needs " + job.examSize() + " golds, the job has " + job.goldCount());
            }
            if (job.goldRate() > 0 && job.goldCount() == 0) {
                throw ApiException.conflict("golds-missing", "the job has a gold rate but no gold items");
            }
            LedgerRules.Quote quote = quote(job);
            ledger.post(c, new Ledger.Transfer("publish:" + jobId, Ledger.requesterAvailable(requesterId), Ledger.jobEscrow(jobId),
                    quote.totalMinor(), "RESERVE", jobId, null, "escrow for " + quote.normalTasks() + " tasks and " + quote.goldTasks() + " gold tasks"));
            Db.update(c, "UPDATE job SET status = 'PUBLISHED', published_at = ?, gold_task_budget = ? WHERE id = ?",
                    Timestamp.from(clock.instant()), quote.goldTasks(), jobId);
            return get(c, requesterId, jobId);
        });
        matching.rebuild(jobId);
        return published;
    }
}
