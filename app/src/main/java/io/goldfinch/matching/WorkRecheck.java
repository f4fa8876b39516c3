package io.goldfinch.matching;

import io.goldfinch.common.Db;
import io.goldfinch.quality.WorkerAccuracy;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A worker's work re-queued: every item of a running job that he answered is decided again as the next answer would
 * decide it ({@link AnswerStore}), with every answerer's gold record as it stands now. A spammer's answers, counted at
 * the accuracy of a newcomer when he gave them, may have closed items early; with his record now, such an item that
 * no longer meets its job's rule opens again and takes further answers, up to its maximum overlap (never beyond). An
 * item his record now lets close is closed. Per item under the answers' own lock (V33), in item order, so that no
 * answer to it commits meanwhile; Redis follows after the commit (reconcile repairs it if that fails). Done when a
 * worker is blocked, and when a job's accuracy rule comes to stop a worker who answered in it.
 */
@Singleton
public final class WorkRecheck {

    private static final Logger LOG = LoggerFactory.getLogger(WorkRecheck.class);
    private static final int CHUNK = 500;

    /** What a recheck changed: items opened again, items closed. */
    public record Outcome(int reopened, int closed) {
    }

    private final Db db;
    private final MatchingService matching;
    private final JobTuning jobTuning;
    private final Clock clock;

    public WorkRecheck(Db db, MatchingService matching, JobTuning jobTuning, Clock clock) {
        this.db = db;
        this.matching = matching;
        this.jobTuning = jobTuning;
        this.clock = clock;
    }

    /** Every running job's items the worker answered (when he is blocked). */
    public Outcome worker(long workerId) {
        return worker(workerId, null);
    }

    /**
     * The jobs whose accuracy rule now stops a worker who answered in them (his gold record, after the job's
     * probation, below its minimum): his items there are decided again, once per job for each size of his record.
     * Runs with the review sweep; returns how many (job, worker) pairs it judged.
     */
    @Scheduled(fixedDelay = "${goldfinch.review-interval:30s}", initialDelay = "20s")
    public int stoppedWorkers() {
        String accuracy = "(s.gold_correct + " + WorkerAccuracy.PRIOR_CORRECT + ") / (s.gold_answered + "
                + (WorkerAccuracy.PRIOR_CORRECT + WorkerAccuracy.PRIOR_WRONG) + ")";
        record Stopped(long jobId, long workerId, long goldAnswered) {
        }
        List<Stopped> due = db.tx(c -> Db.list(c, rs -> new Stopped(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                // Workers below the highest minimum of any running job first (few), then their answers in such jobs.
                "WITH low AS MATERIALIZED (SELECT s.worker_id, s.gold_answered, " + accuracy + " AS accuracy FROM worker_gold_stats s "
                        + "WHERE " + accuracy + " < (SELECT COALESCE(max(min_accuracy), 0) FROM job WHERE status IN ('PUBLISHED', 'PAUSED'))) "
                        + "SELECT DISTINCT j.id, low.worker_id, low.gold_answered FROM low "
                        + "JOIN assignment a ON a.worker_id = low.worker_id AND a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') AND NOT a.is_gold "
                        + "JOIN job j ON j.id = a.job_id AND j.status IN ('PUBLISHED', 'PAUSED') "
                        + "WHERE j.min_accuracy > 0 AND low.gold_answered >= j.probation_golds AND low.accuracy < j.min_accuracy "
                        + "AND NOT EXISTS (SELECT 1 FROM worker_recheck r WHERE r.job_id = j.id AND r.worker_id = low.worker_id "
                        + "AND r.gold_answered >= low.gold_answered) ORDER BY 1, 2"));
        for (Stopped s : due) {
            try {
                worker(s.workerId(), s.jobId());
                db.tx(c -> Db.update(c, "INSERT INTO worker_recheck (job_id, worker_id, gold_answered, rechecked_at) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT (job_id, worker_id) DO UPDATE SET gold_answered = EXCLUDED.gold_answered, rechecked_at = EXCLUDED.rechecked_at",
                        s.jobId(), s.workerId(), s.goldAnswered(), Timestamp.from(clock.instant())));
            } catch (RuntimeException e) {
                LOG.warn("re-deciding worker {}'s items in job {} failed: {}", s.workerId(), s.jobId(), e.toString());
            }
        }
        return due.size();
    }

    /** The worker's items in one running job, or in every running job when {@code jobId} is null. */
    public Outcome worker(long workerId, Long jobId) {
        List<Long> items = db.tx(c -> Db.list(c, rs -> rs.getLong(1),
                "SELECT DISTINCT a.item_id FROM assignment a JOIN job j ON j.id = a.job_id WHERE a.worker_id = ? AND NOT a.is_gold "
                        + "AND a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') AND j.status IN ('PUBLISHED', 'PAUSED') "
                        + "AND (?::bigint IS NULL OR a.job_id = ?) ORDER BY a.item_id", workerId, jobId, jobId));
        int reopened = 0;
        int closed = 0;
        for (int from = 0; from < items.size(); from += CHUNK) {
            Outcome o = chunk(items.subList(from, Math.min(items.size(), from + CHUNK)));
            reopened += o.reopened();
            closed += o.closed();
        }
        if (reopened + closed > 0) {
            LOG.info("worker {}: {} items re-decided with today's gold records, {} opened again, {} closed", workerId, items.size(), reopened, closed);
        }
        return new Outcome(reopened, closed);
    }

    private record Change(long jobId, long itemId, int cap, double score, int answers, boolean close) {
    }

    private Outcome chunk(List<Long> items) {
        Map<Long, JobTuning.Tuning> tuned = jobTuning.current();
        List<Change> changes = db.tx(c -> {
            for (long item : items) {
                Db.one(c, rs -> true, "SELECT pg_advisory_xact_lock(?)", item); // as answers do, before the item row
            }
            record Row(AnswerStore.Outcome outcome, boolean closed, String label, Double confidence) {
            }
            List<Row> rows = Db.list(c, rs -> new Row(new AnswerStore.Outcome("STORED", rs.getLong(2), rs.getLong(1), false,
                            Arrays.asList((String[]) rs.getArray(5).getArray()), rs.getInt(6), rs.getInt(7), rs.getDouble(8), (Double) rs.getObject(4),
                            0, null, null, null, null, (String[]) rs.getArray(9).getArray(), (Long[]) rs.getArray(10).getArray(),
                            (Long[]) rs.getArray(11).getArray()), rs.getBoolean(3), rs.getString(12), (Double) rs.getObject(13)),
                    "SELECT i.id, i.job_id, i.closed_at IS NOT NULL, i.model_uncertainty, j.labels, j.overlap_min, j.overlap_max, j.confidence_target, "
                            + "array_agg(a.label ORDER BY a.submitted_at, a.id), array_agg(COALESCE(w.gold_answered, 0)::int8 ORDER BY a.submitted_at, a.id), "
                            + "array_agg(COALESCE(w.gold_correct, 0)::int8 ORDER BY a.submitted_at, a.id), i.posterior_label, i.posterior_confidence "
                            + "FROM item i JOIN job j ON j.id = i.job_id "
                            + "JOIN assignment a ON a.item_id = i.id AND a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') "
                            + "LEFT JOIN worker_gold_stats w ON w.worker_id = a.worker_id "
                            + "WHERE i.id = ANY (?) AND NOT i.is_gold AND j.status IN ('PUBLISHED', 'PAUSED') GROUP BY i.id, j.id ORDER BY i.id",
                    c.createArrayOf("bigint", items.toArray()));
            Timestamp now = Timestamp.from(clock.instant());
            List<Change> out = new ArrayList<>();
            for (Row r : rows) {
                AnswerStore.Outcome o = r.outcome();
                JobTuning.Tuning tuning = tuned.getOrDefault(o.jobId(), JobTuning.NONE);
                AnswerStore.Decision d = AnswerStore.decide(o, clock.instant(), tuning, tuning.price() == null ? null : jobTuning.crowd(o.jobId()), false);
                boolean change = d.close() != r.closed();
                if (!change && d.posterior().label().equals(r.label()) && Double.valueOf(d.posterior().confidence()).equals(r.confidence())) {
                    continue; // nothing to write
                }
                Db.update(c, "UPDATE item SET posterior_label = ?, posterior_confidence = ?, "
                                + "closed_at = CASE WHEN ? THEN COALESCE(closed_at, ?) ELSE NULL END WHERE id = ?",
                        d.posterior().label(), d.posterior().confidence(), d.close(), now, o.itemId());
                if (change) {
                    out.add(new Change(o.jobId(), o.itemId(), d.cap(), d.score(), o.answerLabels().length, d.close()));
                }
            }
            return out;
        });
        int reopened = 0;
        for (Change ch : changes) {
            reopened += ch.close() ? 0 : 1;
            try {
                matching.updateItem(ch.jobId(), ch.itemId(), ch.close() ? 0 : ch.cap(), ch.score(), ch.answers());
            } catch (RuntimeException e) {
                LOG.warn("job {}: Redis missed item {}'s re-decided cap ({}); reconcile will repair it", ch.jobId(), ch.itemId(), e.toString());
            }
        }
        return new Outcome(reopened, changes.size() - reopened);
    }
}
