package io.goldfinch.matching;

import io.goldfinch.common.Db;
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
 * answer to it commits meanwhile; Redis follows after the commit (reconcile repairs it if that fails).
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
    private final JobPrices prices;
    private final Clock clock;

    public WorkRecheck(Db db, MatchingService matching, JobPrices prices, Clock clock) {
        this.db = db;
        this.matching = matching;
        this.prices = prices;
        this.clock = clock;
    }

    public Outcome worker(long workerId) {
        List<Long> items = db.tx(c -> Db.list(c, rs -> rs.getLong(1),
                "SELECT DISTINCT a.item_id FROM assignment a JOIN job j ON j.id = a.job_id WHERE a.worker_id = ? AND NOT a.is_gold "
                        + "AND a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') AND j.status IN ('PUBLISHED', 'PAUSED') ORDER BY a.item_id", workerId));
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
        Map<Long, OverlapPolicy.Price> priced = prices.current();
        List<Change> changes = db.tx(c -> {
            for (long item : items) {
                Db.one(c, rs -> true, "SELECT pg_advisory_xact_lock(?)", item); // as answers do, before the item row
            }
            record Row(AnswerStore.Outcome outcome, boolean closed) {
            }
            List<Row> rows = Db.list(c, rs -> new Row(new AnswerStore.Outcome("STORED", rs.getLong(2), rs.getLong(1), false,
                            Arrays.asList((String[]) rs.getArray(5).getArray()), rs.getInt(6), rs.getInt(7), rs.getDouble(8), (Double) rs.getObject(4),
                            0, null, null, null, null, (String[]) rs.getArray(9).getArray(), (Long[]) rs.getArray(10).getArray(),
                            (Long[]) rs.getArray(11).getArray()), rs.getBoolean(3)),
                    "SELECT i.id, i.job_id, i.closed_at IS NOT NULL, i.model_uncertainty, j.labels, j.overlap_min, j.overlap_max, j.confidence_target, "
                            + "array_agg(a.label ORDER BY a.submitted_at, a.id), array_agg(COALESCE(w.gold_answered, 0)::int8 ORDER BY a.submitted_at, a.id), "
                            + "array_agg(COALESCE(w.gold_correct, 0)::int8 ORDER BY a.submitted_at, a.id) "
                            + "FROM item i JOIN job j ON j.id = i.job_id "
                            + "JOIN assignment a ON a.item_id = i.id AND a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') "
                            + "LEFT JOIN worker_gold_stats w ON w.worker_id = a.worker_id "
                            + "WHERE i.id = ANY (?) AND NOT i.is_gold AND j.status IN ('PUBLISHED', 'PAUSED') GROUP BY i.id, j.id ORDER BY i.id",
                    c.createArrayOf("bigint", items.toArray()));
            Timestamp now = Timestamp.from(clock.instant());
            List<Change> out = new ArrayList<>();
            for (Row r : rows) {
                AnswerStore.Outcome o = r.outcome();
                OverlapPolicy.Price price = priced.get(o.jobId());
                AnswerStore.Decision d = AnswerStore.decide(o, clock.instant(), price, price == null ? null : prices.crowd(o.jobId()), false);
                boolean change = d.close() != r.closed();
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
