package io.goldfinch.quality;

import io.goldfinch.common.Db;
import io.goldfinch.matching.MatchingService;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps each running job's online confidence calibrated ({@link PosteriorTemperature}): with the review sweep, a job
 * whose golds have been answered enough ({@link PosteriorTemperature#MIN_GOLDS} golds) is fitted its inverse
 * temperature on its golds replayed as normal items, and fitted again each time its gold answers have grown by a tenth.
 * The engine uses the value from the next answer on (within a second in every process); items already closed stay
 * closed.
 */
@Singleton
public class ConfidenceCalibrationService {

    private static final Logger LOG = LoggerFactory.getLogger(ConfidenceCalibrationService.class);
    /** A job is fitted again once its gold answers exceed the last fit's by this factor. */
    static final double GROWTH = 1.1;

    private final Db db;
    private final MatchingService matching;
    private final Clock clock;

    public ConfidenceCalibrationService(Db db, MatchingService matching, Clock clock) {
        this.db = db;
        this.matching = matching;
        this.clock = clock;
    }

    /** Fits the running jobs that are due; returns the ids of those fitted. */
    @Scheduled(fixedDelay = "${goldfinch.review-interval:30s}", initialDelay = "${goldfinch.calibration-delay:25s}")
    public List<Long> refit() {
        record Due(long jobId, long answers) {
        }
        List<Due> due = db.tx(c -> Db.list(c, rs -> new Due(rs.getLong(1), rs.getLong(2)),
                "SELECT j.id, g.answers FROM job j CROSS JOIN LATERAL (SELECT COALESCE(sum(i.posterior_answers), 0) AS answers, "
                        + "count(*) FILTER (WHERE i.posterior_answers > 0) AS golds FROM item i WHERE i.job_id = j.id AND i.is_gold) g "
                        + "WHERE j.status IN ('PUBLISHED', 'PAUSED') AND j.calibrate_confidence AND g.golds >= ? "
                        + "AND (j.posterior_beta_answers IS NULL OR g.answers >= j.posterior_beta_answers * ?) ORDER BY j.id",
                PosteriorTemperature.MIN_GOLDS, GROWTH));
        List<Long> fitted = new java.util.ArrayList<>();
        for (Due d : due) {
            try {
                if (fit(d.jobId(), d.answers()) != null) {
                    fitted.add(d.jobId());
                }
            } catch (RuntimeException e) {
                LOG.warn("calibrating job {} failed: {}", d.jobId(), e.toString());
            }
        }
        return fitted;
    }

    /**
     * Fits one job now on its golds, up to its maximum overlap of answers each, and stores the result with
     * {@code answers}, the count of gold answers it stands for. Null (nothing stored) with too few golds answered.
     */
    Double fit(long jobId, long answers) {
        Double beta = db.tx(c -> {
            record Job(List<String> labels, int overlapMax) {
            }
            Job job = Db.one(c, rs -> new Job(Arrays.asList((String[]) rs.getArray(1).getArray()), rs.getInt(2)),
                    "SELECT labels, overlap_max FROM job WHERE id = ?", jobId).orElseThrow();
            List<ClosingReplay.Gold> golds = ConfidenceCheckService.golds(c, jobId, job.labels(), job.overlapMax());
            if (golds.stream().filter(g -> !g.answers().isEmpty()).count() < PosteriorTemperature.MIN_GOLDS) {
                return null;
            }
            double b = PosteriorTemperature.fit(golds, job.labels().size(), job.overlapMax());
            Db.update(c, "UPDATE job SET posterior_beta = ?, posterior_beta_answers = ?, posterior_beta_at = ? WHERE id = ?",
                    b, answers, Timestamp.from(clock.instant()), jobId);
            return b;
        });
        if (beta != null) {
            matching.jobsChanged();
            LOG.info("job {}: online confidence calibrated on {} gold answers, inverse temperature {}", jobId, answers, String.format("%.3f", beta));
        }
        return beta;
    }
}
