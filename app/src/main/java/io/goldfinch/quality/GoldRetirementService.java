package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.matching.MatchingService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

/**
 * Takes a gold out of service, or puts it back. A retired gold is no longer served to anyone (it leaves the job's gold
 * set in Redis as soon as the change commits); a lease already holding it may still be answered, and the answers it
 * has keep their scores: retiring is for a gold that has been shown too often or leaked, or that is ambiguous. A wrong
 * key is corrected instead ({@link GoldFixService}), which re-scores its answers.
 */
@Singleton
public class GoldRetirementService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GoldRetirementService.class);

    /** A gold's service state after the change, and how many of the job's golds remain in service. */
    @Serdeable
    public record GoldState(String item, boolean retired, @Nullable Instant retiredAt, long goldsInService) {
    }

    private final Db db;
    private final MatchingService matching;
    private final Clock clock;

    public GoldRetirementService(Db db, MatchingService matching, Clock clock) {
        this.db = db;
        this.matching = matching;
        this.clock = clock;
    }

    /** Retires the gold (idempotent: retiring a retired gold keeps its first retirement). */
    public GoldState retire(@Nullable Long requesterId, long userId, long jobId, String item) {
        return change(requesterId, userId, jobId, item, true);
    }

    /** Puts a retired gold back in service (idempotent). */
    public GoldState restore(@Nullable Long requesterId, long userId, long jobId, String item) {
        return change(requesterId, userId, jobId, item, false);
    }

    private GoldState change(@Nullable Long requesterId, long userId, long jobId, String item, boolean retire) {
        GoldState state = db.tx(c -> {
            Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)", jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            record Gold(long id, boolean gold) {
            }
            Gold g = Db.one(c, rs -> new Gold(rs.getLong(1), rs.getBoolean(2)),
                            "SELECT id, is_gold FROM item WHERE job_id = ? AND external_id = ? FOR NO KEY UPDATE", jobId, item)
                    .orElseThrow(() -> ApiException.notFound("item"));
            if (!g.gold()) {
                throw ApiException.conflict("not-a-gold", "item " + item + " is not a gold");
            }
            if (retire) {
                Db.update(c, "UPDATE item SET gold_retired_at = ?, gold_retired_by = ? WHERE id = ? AND gold_retired_at IS NULL",
                        Timestamp.from(clock.instant()), userId, g.id());
            } else {
                Db.update(c, "UPDATE item SET gold_retired_at = NULL, gold_retired_by = NULL WHERE id = ?", g.id());
            }
            Timestamp at = Db.one(c, rs -> rs.getTimestamp(1), "SELECT gold_retired_at FROM item WHERE id = ?", g.id()).orElse(null);
            long inService = Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND is_gold AND gold_retired_at IS NULL", jobId);
            return new GoldState(item, at != null, at == null ? null : at.toInstant(), inService);
        });
        try {
            matching.syncGolds(jobId);
        } catch (RuntimeException e) {
            // Committed in PostgreSQL, the truth; the job's next reconcile pass (or rebuild) brings Redis in line.
            LOG.warn("job {}: gold {} changed, but its gold set in Redis was not updated yet: {}", jobId, item, e.toString());
        }
        return state;
    }
}
