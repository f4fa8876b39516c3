package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.context.annotation.Value;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.util.Arrays;
import java.util.List;

/**
 * Each gold's statistics for the job's requester and for quality managers: times shown, answers, share matching the
 * key, the crowd's label and confidence ({@link GoldHealth}), and a flag on golds that look wrong or ambiguous.
 */
@Singleton
public class GoldHealthService {

    /** One gold's health. {@code crowdLabel}/{@code crowdConfidence} are null until an answer has been folded in. */
    @Serdeable
    public record Gold(String item, String goldLabel, long shown, long answered, long correct, Double shareCorrect,
                       String crowdLabel, Double crowdConfidence, long crowdAnswers, GoldHealth.Flag flag, String hint,
                       java.time.Instant retiredAt, java.time.Instant voidedAt) {
    }

    /** The job's golds (retired ones too, with {@code retiredAt}), the rule's thresholds, and how many golds carry each flag. */
    @Serdeable
    public record Report(long jobId, double wrongConfidence, double ambiguousShare, int minAnswers, long probablyWrong,
                         long ambiguous, long inService, List<Gold> golds) {
    }

    private final Db db;
    private final double wrongConfidence;
    private final double ambiguousShare;

    public GoldHealthService(Db db, @Value("${goldfinch.gold-health.wrong-confidence:0.95}") double wrongConfidence,
                             @Value("${goldfinch.gold-health.ambiguous-share:0.5}") double ambiguousShare) {
        if (!(wrongConfidence > 0.5 && wrongConfidence <= 1) || !(ambiguousShare >= 0 && ambiguousShare <= 1)) {
            throw new IllegalArgumentException("goldfinch.gold-health: wrong-confidence must be in (0.5, 1] and ambiguous-share in [0, 1]");
        }
        this.db = db;
        this.wrongConfidence = wrongConfidence;
        this.ambiguousShare = ambiguousShare;
    }

    /** The report for job {@code jobId}; {@code requesterId} scopes it to that requester's jobs, null for any job. */
    public Report report(Long requesterId, long jobId) {
        return db.tx(c -> {
            List<String> labels = Db.one(c, rs -> Arrays.asList((String[]) rs.getArray(1).getArray()),
                            "SELECT labels FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)", jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            List<Gold> golds = Db.list(c, rs -> {
                        long answered = rs.getLong(5);
                        long correct = rs.getLong(6);
                        int key = labels.indexOf(rs.getString(2));
                        Array evidence = rs.getArray(3);
                        GoldHealth.CrowdView crowd = evidence == null ? null
                                : GoldHealth.view(Arrays.stream((Double[]) evidence.getArray()).mapToDouble(Double::doubleValue).toArray());
                        long crowdAnswers = rs.getLong(7);
                        return new Gold(rs.getString(1), rs.getString(2), rs.getLong(4), answered, correct,
                                answered == 0 ? null : (double) correct / answered,
                                crowd == null ? null : labels.get(crowd.label()), crowd == null ? null : crowd.confidence(), crowdAnswers,
                                GoldHealth.flag(key, answered, correct, crowd, crowdAnswers, wrongConfidence, ambiguousShare),
                                rs.getString(8), rs.getTimestamp(9) == null ? null : rs.getTimestamp(9).toInstant(),
                                rs.getTimestamp(10) == null ? null : rs.getTimestamp(10).toInstant());
                    },
                    "SELECT i.external_id, i.gold_label, i.crowd_evidence, count(a.id), "
                            + "count(a.id) FILTER (WHERE a.status IN ('SUBMITTED','ACCEPTED','REJECTED')), "
                            + "count(a.id) FILTER (WHERE a.status IN ('SUBMITTED','ACCEPTED','REJECTED') AND a.label = i.gold_label), i.posterior_answers, i.gold_hint, i.gold_retired_at, i.gold_voided_at "
                            + "FROM item i LEFT JOIN assignment a ON a.item_id = i.id "
                            + "WHERE i.job_id = ? AND i.is_gold GROUP BY i.id ORDER BY i.id", jobId);
            // The counts are of golds in service: a retired gold needs no more attention.
            long wrong = golds.stream().filter(g -> g.retiredAt() == null && g.flag() == GoldHealth.Flag.PROBABLY_WRONG).count();
            long ambiguous = golds.stream().filter(g -> g.retiredAt() == null && g.flag() == GoldHealth.Flag.AMBIGUOUS).count();
            long inService = golds.stream().filter(g -> g.retiredAt() == null).count();
            return new Report(jobId, wrongConfidence, ambiguousShare, GoldHealth.MIN_ANSWERS, wrong, ambiguous, inService, golds);
        });
    }
}
