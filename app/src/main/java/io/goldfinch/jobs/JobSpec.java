package io.goldfinch.jobs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * A job as its requester creates it. Money in minor units. Stopping rules: {@code minAccuracy} applies after
 * {@code probationGolds} golds (default 5); {@code minMedianSeconds} (default 0: none) stops a worker whose median time
 * per task over his last {@code speedWindow} answers in the job (default 10) is below it. {@code labelValueMinor}
 * (optional) is what a right label is worth: items then stop taking answers that are expected to add less accuracy than
 * they cost ({@link io.goldfinch.matching.AnswerValue}). {@code calibrateConfidence} (default true): the online
 * confidence compared with the target is calibrated on the job's golds ({@link io.goldfinch.quality.PosteriorTemperature}).
 */
@Serdeable
public record JobSpec(
        @NotBlank @Size(max = 200) String title,
        @NotNull @Size(max = 20_000) String instructions,
        @NotNull @Size(min = 2, max = 50) List<@NotBlank @Size(max = 100) String> labels,
        @Min(1) @Max(10_000_000) long rewardMinor,
        @Min(1) @Max(100) int overlapMin,
        @Min(1) @Max(100) int overlapMax,
        @DecimalMin("0.0") @DecimalMax("0.5") double goldRate,
        @Min(0) @Max(2160) int reviewWindowHours,
        @Nullable @Pattern(regexp = "auto|mv|one-coin|ds") String aggregationMethod,
        @Nullable @DecimalMin("0.5") @DecimalMax("1.0") Double confidenceTarget,
        @Nullable @DecimalMin("0.0") @DecimalMax("0.99") Double minAccuracy,
        @Nullable @Size(max = 20) List<@NotBlank @Size(max = 50) String> requiredSkills,
        @Nullable @Min(1) Integer maxTasksPerWorker,
        @Nullable @Min(1) Integer maxTasksPerWorkerPerDay,
        @Nullable @Min(-100) @Max(100) Integer priority,
        @Nullable @Min(0) @Max(50) Integer examSize,
        @Nullable @DecimalMin("0.01") @DecimalMax("1.0") Double examPassShare,
        @Nullable @Min(1) @Max(100_000) Integer examSeats,
        @Nullable @Min(1) @Max(100_000_000) Long hourlyFloorMinor,
        @Nullable java.time.Instant deadline,
        @Nullable @Min(1) @Max(1000) Integer probationGolds,
        @Nullable @DecimalMin("0.0") @DecimalMax("3600.0") Double minMedianSeconds,
        @Nullable @Min(1) @Max(1000) Integer speedWindow,
        @Nullable @Min(1) @Max(100_000_000_000L) Long labelValueMinor,
        @Nullable Boolean calibrateConfidence) {

    /** The fields every job needs; the rest take their defaults. */
    public static JobSpec basic(String title, String instructions, List<String> labels, long rewardMinor, int overlapMin,
                                int overlapMax, double goldRate, int reviewWindowHours) {
        return new JobSpec(title, instructions, labels, rewardMinor, overlapMin, overlapMax, goldRate, reviewWindowHours,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
