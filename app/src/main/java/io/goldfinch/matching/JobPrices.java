package io.goldfinch.matching;

import io.goldfinch.common.Db;
import io.goldfinch.ledger.LedgerRules;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The value rule's prices ({@link OverlapPolicy.Price}) of the running jobs that set a label value: what a right label
 * is worth and what one more answer costs (reward and platform fee). Read at most once a second, and at once after a
 * job changes in this process ({@link MatchingService#jobsChanged()}); most jobs set none, and then this is an empty map.
 */
@Singleton
public final class JobPrices {

    private static final long TTL_NANOS = 1_000_000_000L;

    private record Cached(Map<Long, OverlapPolicy.Price> prices, long loadedAtNanos) {
    }

    private final Db db;
    private volatile Cached cached;
    private final java.util.concurrent.ConcurrentHashMap<Long, CrowdAccuracy> crowds = new java.util.concurrent.ConcurrentHashMap<>();

    public JobPrices(Db db) {
        this.db = db;
    }

    /** Prices by job id, for published and paused jobs with a label value. */
    public Map<Long, OverlapPolicy.Price> current() {
        Cached c = cached;
        long now = System.nanoTime();
        if (c != null && now - c.loadedAtNanos() < TTL_NANOS) {
            return c.prices();
        }
        Map<Long, OverlapPolicy.Price> prices = new java.util.HashMap<>();
        db.tx(conn -> Db.list(conn, rs -> prices.put(rs.getLong(1), price(rs.getLong(2), rs.getLong(3), rs.getInt(4))),
                "SELECT id, label_value_minor, reward_minor, fee_bps FROM job WHERE label_value_minor IS NOT NULL AND status IN ('PUBLISHED', 'PAUSED')"));
        Map<Long, OverlapPolicy.Price> loaded = Map.copyOf(prices);
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
