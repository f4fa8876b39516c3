package io.goldfinch.jobs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * Settings a job's owner (or a quality manager) may change on a draft or a running job; a field left out stays as it
 * is. The caps, the hourly floor, the speed limit ({@code minMedianSeconds}) and the label value take 0 for "none". Money, labels, overlap and the review window are fixed once
 * the job is published: the escrow was reserved for them and workers answered under them.
 */
@Serdeable
public record JobSettings(
        @Nullable @Size(min = 1, max = 200) @jakarta.validation.constraints.Pattern(regexp = ".*\\S.*", message = "must not be blank") String title,
        @Nullable @Size(max = 20_000) String instructions,
        @Nullable @DecimalMin("0.0") @DecimalMax("0.5") Double goldRate,
        @Nullable @DecimalMin("0.0") @DecimalMax("0.99") Double minAccuracy,
        @Nullable @DecimalMin("0.5") @DecimalMax("1.0") Double confidenceTarget,
        @Nullable @Size(max = 20) List<@NotBlank @Size(max = 50) String> requiredSkills,
        @Nullable @Min(0) Integer maxTasksPerWorker,
        @Nullable @Min(0) Integer maxTasksPerWorkerPerDay,
        @Nullable @Min(-100) @Max(100) Integer priority,
        @Nullable @Min(0) @Max(100_000_000) Long hourlyFloorMinor,
        @Nullable java.time.Instant deadline,
        @Nullable @Min(1) @Max(1000) Integer probationGolds,
        @Nullable @DecimalMin("0.0") @DecimalMax("3600.0") Double minMedianSeconds,
        @Nullable @Min(1) @Max(1000) Integer speedWindow,
        @Nullable @Min(0) @Max(100_000_000_000L) Long labelValueMinor,
        @Nullable Boolean calibrateConfidence,
        @Nullable @Size(max = 2000) String note) {
}
