package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.matching.MatchingService;
import io.goldfinch.review.ReviewService;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Takes a gold out of service, or puts it back. A retired gold is no longer served to anyone (it leaves the job's gold
 * set in Redis as soon as the change commits); a lease already holding it may still be answered, and the answers it
 * has keep their scores: retiring is for a gold that has been shown too often or leaked, or that is ambiguous. A wrong
 * key is corrected instead ({@link GoldFixService}), which re-scores its answers.
 */
@Singleton
public class GoldRetirementService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GoldRetirementService.class);

    /**
     * A gold's service state after the change, and how many of the job's golds remain in service; for a void, what it
     * did: answers that stopped counting, workers whose record changed, rejections reversed and what they paid.
     */
    @Serdeable
    public record GoldState(String item, boolean retired, @Nullable Instant retiredAt, @Nullable Instant voidedAt, long goldsInService,
                            int answersVoided, int workersRescored, int rejectionsReversed, long paidMinor) {
    }

    private final Db db;
    private final MatchingService matching;
    private final ReviewService reviews;
    private final Clock clock;

    public GoldRetirementService(Db db, MatchingService matching, ReviewService reviews, Clock clock) {
        this.db = db;
        this.matching = matching;
        this.reviews = reviews;
        this.clock = clock;
    }

    /**
     * Retires the gold (idempotent: retiring a retired gold keeps its first retirement). With {@code voidAnswers}, its
     * answers also stop counting: each worker's gold record loses them and the rejections they supported are reversed
     * and paid; a voided gold cannot be restored.
     */
    public GoldState retire(@Nullable Long requesterId, long userId, long jobId, String item, boolean voidAnswers) {
        return change(requesterId, userId, jobId, item, true, voidAnswers);
    }

    /** Puts a retired gold back in service (idempotent); 409 for a voided gold. */
    public GoldState restore(@Nullable Long requesterId, long userId, long jobId, String item) {
        return change(requesterId, userId, jobId, item, false, false);
    }

    private GoldState change(@Nullable Long requesterId, long userId, long jobId, String item, boolean retire, boolean voidAnswers) {
        GoldState state = db.tx(c -> {
            // The job row first, as a gold correction locks it: reversals move the job's and the requester's money.
            Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?) FOR NO KEY UPDATE",
                            jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            LockedGold g = LockedGold.lock(c, jobId, item, "");
            Timestamp now = Timestamp.from(clock.instant());
            Voided voided = Voided.NONE;
            if (retire) {
                Db.update(c, "UPDATE item SET gold_retired_at = ?, gold_retired_by = ? WHERE id = ? AND gold_retired_at IS NULL", now, userId, g.id());
                if (voidAnswers) {
                    Db.update(c, "UPDATE item SET gold_voided_at = ? WHERE id = ? AND gold_voided_at IS NULL", now, g.id());
                    voided = voidAnswers(c, jobId, g.id(), item);
                }
            } else {
                if (g.voided()) {
                    throw ApiException.conflict("gold-voided", "gold " + item + " was voided: its answers no longer count, so it cannot serve again; "
                            + "upload it again under a new id");
                }
                Db.update(c, "UPDATE item SET gold_retired_at = NULL, gold_retired_by = NULL WHERE id = ?", g.id());
            }
            Timestamp[] at = Db.one(c, rs -> new Timestamp[]{rs.getTimestamp(1), rs.getTimestamp(2)},
                    "SELECT gold_retired_at, gold_voided_at FROM item WHERE id = ?", g.id()).orElseThrow();
            long inService = Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND is_gold AND gold_retired_at IS NULL", jobId);
            return new GoldState(item, at[0] != null, at[0] == null ? null : at[0].toInstant(), at[1] == null ? null : at[1].toInstant(),
                    inService, voided.answers(), voided.workers(), voided.reversals().count(), voided.reversals().paidMinor());
        });
        try {
            matching.syncGolds(jobId);
        } catch (RuntimeException e) {
            // Committed in PostgreSQL, the truth; the job's next reconcile pass (or rebuild) brings Redis in line.
            LOG.warn("job {}: gold {} changed, but its gold set in Redis was not updated yet: {}", jobId, item, e.toString());
        }
        return state;
    }

    /** What voiding a gold's answers did. */
    record Voided(int answers, int workers, ReviewService.Reversals reversals) {
        static final Voided NONE = new Voided(0, 0, new ReviewService.Reversals(0, 0));
    }

    /**
     * Makes the gold's scored answers count for nothing: gold_correct becomes NULL, each worker's record loses them
     * (in worker order, as answers update it), and the rejections they supported are reversed and paid. Idempotent:
     * answers already voided are left alone, so the sweep can run it again for answers submitted since.
     */
    Voided voidAnswers(Connection c, long jobId, long goldId, String external) throws SQLException {
        List<long[]> voided = Db.list(c, rs -> new long[]{rs.getLong(1), rs.getBoolean(2) ? 1 : 0},
                "WITH scored AS (SELECT id, worker_id, gold_correct FROM assignment WHERE item_id = ? AND gold_correct IS NOT NULL "
                        + "AND status IN ('SUBMITTED','ACCEPTED','REJECTED') ORDER BY id FOR UPDATE) "
                        + "UPDATE assignment a SET gold_correct = NULL FROM scored s WHERE a.id = s.id RETURNING s.worker_id, s.gold_correct", goldId);
        Map<Long, long[]> perWorker = new TreeMap<>();
        for (long[] v : voided) {
            long[] counts = perWorker.computeIfAbsent(v[0], w -> new long[2]);
            counts[0]++;
            counts[1] += v[1];
        }
        for (Map.Entry<Long, long[]> w : perWorker.entrySet()) {
            Db.update(c, "UPDATE worker_gold_stats SET gold_answered = gold_answered - ?, gold_correct = gold_correct - ? WHERE worker_id = ?",
                    w.getValue()[0], w.getValue()[1], w.getKey());
        }
        ReviewService.Reversals reversals = reviews.reverseAfterGoldVoid(c, jobId, goldId, external);
        return new Voided(voided.size(), perWorker.size(), reversals);
    }

    /**
     * Voids the answers that reached voided golds after their void (a lease already holding the gold when it was
     * voided). Runs with the reconcile passes; each gold in its own transaction. Returns how many answers it voided.
     */
    @Scheduled(fixedDelay = "${goldfinch.reconcile-interval:60s}", initialDelay = "60s")
    public int sweepVoided() {
        record Gold(long job, long id, String external) {
        }
        List<Gold> late = db.tx(c -> Db.list(c, rs -> new Gold(rs.getLong(1), rs.getLong(2), rs.getString(3)),
                "SELECT i.job_id, i.id, i.external_id FROM item i WHERE i.gold_voided_at IS NOT NULL AND EXISTS "
                        + "(SELECT 1 FROM assignment a WHERE a.item_id = i.id AND a.gold_correct IS NOT NULL)"));
        int answers = 0;
        for (Gold g : late) {
            try {
                answers += db.tx(c -> {
                    Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? FOR NO KEY UPDATE", g.job()).orElseThrow();
                    LockedGold.lockRow(c, g.id());
                    return voidAnswers(c, g.job(), g.id(), g.external()).answers();
                });
            } catch (RuntimeException e) {
                LOG.warn("job {}: answers to voided gold {} not voided yet: {}", g.job(), g.external(), e.toString());
            }
        }
        if (answers > 0) {
            LOG.info("voided {} answers that reached voided golds after their void", answers);
        }
        return answers;
    }
}
