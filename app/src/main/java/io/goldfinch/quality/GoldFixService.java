package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.review.ReviewService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Correcting a gold's key, in one transaction: the gold gets its new key, every answer to it is re-scored (and each
 * worker's gold record with it), and the rejections the wrong key caused are reversed and paid
 * ({@link ReviewService#reverseAfterGoldFix}). A correction to the key the gold already has changes nothing.
 */
@Singleton
public class GoldFixService {

    @Serdeable
    public record Fixed(String item, String oldLabel, String newLabel, int answersRescored, int workersRescored, int rejectionsReversed,
                        long paidMinor) {
    }

    private final Db db;
    private final ReviewService reviews;

    public GoldFixService(Db db, ReviewService reviews) {
        this.db = db;
        this.reviews = reviews;
    }

    public Fixed fix(@Nullable Long requesterId, long jobId, String item, String label) {
        return db.tx(c -> {
            List<String> labels = Db.one(c, rs -> Arrays.asList((String[]) rs.getArray(1).getArray()),
                            "SELECT labels FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?) FOR NO KEY UPDATE", jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            if (!labels.contains(label)) {
                throw ApiException.invalid("label", "must be one of " + labels);
            }
            return fixIn(c, jobId, item, label);
        });
    }

    /**
     * The correction within the caller's transaction, for a job whose row the caller has locked (FOR NO KEY UPDATE) and
     * whose labels include {@code label}.
     */
    Fixed fixIn(java.sql.Connection c, long jobId, String item, String label) throws java.sql.SQLException {
        LockedGold g = LockedGold.lock(c, jobId, item, "; adjudicate it instead");
        if (g.key().equals(label)) {
            return new Fixed(item, g.key(), label, 0, 0, 0, 0);
        }
        Db.update(c, "UPDATE item SET gold_label = ? WHERE id = ?", label, g.id());
        Map<Long, Integer> delta = new HashMap<>();
        List<long[]> rescored = Db.list(c, rs -> new long[]{rs.getLong(1), rs.getBoolean(2) ? 1 : -1},
                "UPDATE assignment SET gold_correct = (label = ?) WHERE item_id = ? AND status IN ('SUBMITTED','ACCEPTED','REJECTED') "
                        + "AND gold_correct IS DISTINCT FROM (label = ?) RETURNING worker_id, gold_correct", label, g.id(), label);
        for (long[] r : rescored) {
            delta.merge(r[0], (int) r[1], Integer::sum);
        }
        for (Map.Entry<Long, Integer> d : new java.util.TreeMap<>(delta).entrySet()) {
            if (d.getValue() != 0) {
                Db.update(c, "UPDATE worker_gold_stats SET gold_correct = gold_correct + ? WHERE worker_id = ?", d.getValue(), d.getKey());
            }
        }
        ReviewService.Reversals reversed = reviews.reverseAfterGoldFix(c, jobId, g.id(), item, label);
        return new Fixed(item, g.key(), label, rescored.size(), delta.size(), reversed.count(), reversed.paidMinor());
    }
}
