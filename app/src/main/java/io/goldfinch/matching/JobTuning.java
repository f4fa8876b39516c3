package io.goldfinch.matching;

import io.goldfinch.common.Db;
import io.goldfinch.ledger.LedgerRules;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * What dynamic overlap needs of a running job beyond what each answer reports: the value rule's price
 * ({@link OverlapPolicy.Price}: what a right label is worth and what one more answer costs, reward and platform fee) and
 * the inverse temperature its online confidence is calibrated with ({@link io.goldfinch.quality.PosteriorTemperature}).
 * Read at most once a second, and at once after a job changes in this process ({@link MatchingService#jobsChanged()});
 * only jobs with a price or a fitted temperature are kept.
 */
@Singleton
public final class JobTuning {

    private static final long TTL_NANOS = 1_000_000_000L;

    /** A job's price (null: no label value) and inverse temperature (1: posteriors as computed). */
    public record Tuning(OverlapPolicy.Price price, double beta) {
    }

    /** No price, no tempering. */
    public static final Tuning NONE = new Tuning(null, 1);

    private record Cached(Map<Long, Tuning> jobs, long loadedAtNanos) {
    }

    private final Db db;
    private volatile Cached cached;
    private final java.util.concurrent.ConcurrentHashMap<Long, CrowdAccuracy> crowds = new java.util.concurrent.ConcurrentHashMap<>();

    public JobTuning(Db db) {
        this.db = db;
    }

    /** Tuning by job id, for published and paused jobs with a label value or a calibrated confidence. */
    public Map<Long, Tuning> current() {
        Cached c = cached;
        long now = System.nanoTime();
        if (c != null && now - c.loadedAtNanos() < TTL_NANOS) {
            return c.jobs();
        }
        Map<Long, Tuning> jobs = new java.util.HashMap<>();
        db.tx(conn -> Db.list(conn, rs -> jobs.put(rs.getLong(1), new Tuning(price((Long) rs.getObject(2), rs.getLong(3), rs.getInt(4)),
                        rs.getObject(5) == null ? 1 : rs.getDouble(5))),
                "SELECT id, label_value_minor, reward_minor, fee_bps, CASE WHEN calibrate_confidence THEN posterior_beta END FROM job "
                        + "WHERE (label_value_minor IS NOT NULL OR (calibrate_confidence AND posterior_beta IS NOT NULL)) AND status IN ('PUBLISHED', 'PAUSED')"));
        Map<Long, Tuning> loaded = Map.copyOf(jobs);
        crowds.keySet().retainAll(loaded.keySet());
        cached = new Cached(loaded, now);
        return loaded;
    }

    /** A job's price, or null where it sets no label value. */
    public static OverlapPolicy.Price price(Long labelValueMinor, long rewardMinor, int feeBps) {
        return labelValueMinor == null ? null : new OverlapPolicy.Price(labelValueMinor, rewardMinor + LedgerRules.feeMinor(rewardMinor, feeBps));
    }

    /** The job's crowd as this process has seen it answer (for priced jobs only: nothing is kept for the others). */
    public CrowdAccuracy crowd(long jobId) {
        return crowds.computeIfAbsent(jobId, id -> new CrowdAccuracy());
    }

    void changed() {
        cached = null;
    }
}
