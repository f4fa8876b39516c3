package io.goldfinch.jobs;

import io.micronaut.serde.annotation.Serdeable;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A labeling job as its requester sees it. {@code confidenceBeta}: the inverse temperature the online confidence is
 * calibrated with, fitted on the job's golds (null until 20 golds are answered); used while {@code calibrateConfidence}.
 */
@Serdeable
public record Job(long id, String title, String instructions, List<String> labels, long rewardMinor, int overlapMin,
                  int overlapMax, double goldRate, int reviewWindowHours, int feeBps, String aggregationMethod,
                  double confidenceTarget, double minAccuracy, List<String> requiredSkills, Integer maxTasksPerWorker,
                  Integer maxTasksPerWorkerPerDay, int priority, int examSize, double examPassShare, int examSeats, Long hourlyFloorMinor,
                  String status, @io.micronaut.core.annotation.Nullable String pauseReason, long itemCount, long goldCount, Instant createdAt,
                  @io.micronaut.core.annotation.Nullable Instant publishedAt, @io.micronaut.core.annotation.Nullable Instant cancelledAt,
                  @io.micronaut.core.annotation.Nullable Instant deadline, int probationGolds, double minMedianSeconds, int speedWindow,
                  @io.micronaut.core.annotation.Nullable Long labelValueMinor, boolean calibrateConfidence,
                  @io.micronaut.core.annotation.Nullable Double confidenceBeta) {

    public static final String COLUMNS = "j.id, j.title, j.instructions, j.labels, j.reward_minor, j.overlap_min, j.overlap_max, "
            + "j.gold_rate, j.review_window_hours, j.fee_bps, j.aggregation_method, j.status, j.created_at, j.published_at, "
            + "j.confidence_target, j.min_accuracy, j.required_skills, j.max_tasks_per_worker, j.max_tasks_per_worker_per_day, j.priority, "
            + "j.exam_size, j.exam_pass_share, j.exam_seats, j.hourly_floor_minor, j.pause_reason, j.cancelled_at, j.deadline, "
            + "j.probation_golds, j.min_median_seconds, j.speed_window, j.label_value_minor, "
            + "j.calibrate_confidence, j.posterior_beta, "
            + "(SELECT count(*) FROM item i WHERE i.job_id = j.id AND NOT i.is_gold) AS item_count, "
            + "(SELECT count(*) FROM item i WHERE i.job_id = j.id AND i.is_gold AND i.gold_retired_at IS NULL) AS gold_count";

    public static Job map(ResultSet rs) throws SQLException {
        return new Job(rs.getLong("id"), rs.getString("title"), rs.getString("instructions"),
                Arrays.asList((String[]) rs.getArray("labels").getArray()), rs.getLong("reward_minor"),
                rs.getInt("overlap_min"), rs.getInt("overlap_max"), rs.getDouble("gold_rate"),
                rs.getInt("review_window_hours"), rs.getInt("fee_bps"), rs.getString("aggregation_method"),
                rs.getDouble("confidence_target"), rs.getDouble("min_accuracy"),
                Arrays.asList((String[]) rs.getArray("required_skills").getArray()), (Integer) rs.getObject("max_tasks_per_worker"),
                (Integer) rs.getObject("max_tasks_per_worker_per_day"), rs.getInt("priority"), rs.getInt("exam_size"),
                rs.getDouble("exam_pass_share"), rs.getInt("exam_seats"), (Long) rs.getObject("hourly_floor_minor"),
                rs.getString("status"), rs.getString("pause_reason"), rs.getLong("item_count"), rs.getLong("gold_count"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("published_at") == null ? null : rs.getTimestamp("published_at").toInstant(),
                rs.getTimestamp("cancelled_at") == null ? null : rs.getTimestamp("cancelled_at").toInstant(),
                rs.getTimestamp("deadline") == null ? null : rs.getTimestamp("deadline").toInstant(),
                rs.getInt("probation_golds"), rs.getDouble("min_median_seconds"), rs.getInt("speed_window"),
                (Long) rs.getObject("label_value_minor"), rs.getBoolean("calibrate_confidence"), (Double) rs.getObject("posterior_beta"));
    }
}
