package io.goldfinch.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.List;

/**
 * The workers of one job as a quality manager sees them: gold accuracy with its 90% credible interval, median time
 * per task, agreement with the crowd, share of their most used label, and risk flags ({@link WorkerRisk}), flagged
 * workers first; and the pairs of workers who agree suspiciously often. Scoped like the other quality views.
 */
@Singleton
public class WorkerReportService {

    /** Empty lists (no flags, no pairs) are sent as [] rather than left out. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Worker(long worker, int answers, int goldAnswered, int goldCorrect, @Nullable Double goldAccuracy,
                         @Nullable Double goldAccuracyLow, @Nullable Double goldAccuracyHigh, @Nullable Double medianSeconds,
                         @Nullable Double crowdAgreement, double topLabelShare, List<String> flags, boolean blocked, List<String> skills) {
    }

    @Serdeable
    public record Pair(long workerA, long workerB, int shared, double agreement, double expected) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Report(long jobId, double jobMedianSeconds, double jobTopLabelShare, double minAccuracy, List<Worker> workers,
                         List<Pair> suspiciousPairs) {
    }

    private final Db db;

    public WorkerReportService(Db db) {
        this.db = db;
    }

    public Report report(@Nullable Long requesterId, long jobId) {
        record Account(boolean blocked, List<String> skills) {
        }
        record Loaded(List<String> labels, double minAccuracy, List<WorkerRisk.Answer> answers, java.util.Map<Long, Account> accounts) {
        }
        Loaded loaded = db.tx(c -> {
            record JobInfo(List<String> labels, double minAccuracy) {
            }
            JobInfo job = Db.one(c, rs -> new JobInfo(Arrays.asList((String[]) rs.getArray(1).getArray()), rs.getDouble(2)),
                            "SELECT labels, min_accuracy FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)", jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            List<WorkerRisk.Answer> answers = Db.list(c, rs -> {
                        String crowd = rs.getString(7);
                        return new WorkerRisk.Answer(rs.getLong(1), rs.getLong(2), job.labels().indexOf(rs.getString(3)), rs.getBoolean(4),
                                rs.getBoolean(5), rs.getDouble(6), crowd == null ? -1 : job.labels().indexOf(crowd));
                    },
                    "SELECT a.item_id, a.worker_id, a.label, a.is_gold, COALESCE(a.gold_correct, false), "
                            + "GREATEST(0, extract(epoch FROM a.submitted_at - a.leased_at))::float8, i.posterior_label "
                            + "FROM assignment a JOIN item i ON i.id = a.item_id "
                            + "WHERE a.job_id = ? AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED') AND (NOT a.is_gold OR a.gold_correct IS NOT NULL)", jobId);
            // Whether each worker is blocked (from every job) and his skills, for the quality console's block and skills.
            java.util.Map<Long, Account> accounts = new java.util.HashMap<>();
            Db.list(c, rs -> accounts.put(rs.getLong(1), new Account(rs.getBoolean(2), Arrays.asList((String[]) rs.getArray(3).getArray()))),
                    "SELECT u.id, u.blocked, u.skills FROM app_user u WHERE u.id IN (SELECT DISTINCT worker_id FROM assignment WHERE job_id = ?)", jobId);
            return new Loaded(job.labels(), job.minAccuracy(), answers, accounts);
        });
        WorkerRisk.Report r = WorkerRisk.analyse(loaded.answers(), loaded.labels().size(), loaded.minAccuracy(), WorkerRisk.Settings.defaults());
        return new Report(jobId, r.jobMedianSeconds(), r.jobTopLabelShare(), loaded.minAccuracy(),
                r.workers().stream().map(w -> new Worker(w.worker(), w.answers(), w.goldAnswered(), w.goldCorrect(), w.goldAccuracy(),
                        w.goldAccuracyLow(), w.goldAccuracyHigh(), w.medianSeconds(), w.crowdAgreement(), w.topLabelShare(),
                        w.flags().stream().map(Enum::name).toList(), account(loaded.accounts(), w.worker()).blocked(),
                        account(loaded.accounts(), w.worker()).skills())).toList(),
                r.pairs().stream().map(p -> new Pair(p.workerA(), p.workerB(), p.shared(), p.agreement(), p.expected())).toList());
    }

    private static <A> A account(java.util.Map<Long, A> accounts, long worker) {
        A a = accounts.get(worker);
        if (a == null) {
            throw new IllegalStateException("worker " + worker + " has answers but no account");
        }
        return a;
    }
}
