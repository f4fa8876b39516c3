package io.goldfinch.matching;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a worker receives for one task. It is built the same way for gold and normal items: nothing in it (id,
 * fields, order, timing path) tells them apart. The assignment id is a random UUID, not the item id.
 */
@Serdeable
public record Task(UUID assignmentId, long jobId, String jobTitle, String instructions, List<String> labels,
                   Map<String, Object> data, long rewardMinor, Instant leaseExpiresAt) {
}
