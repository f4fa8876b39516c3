package io.goldfinch.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drift of a job over time: per hour or day (UTC) of submission, the answers, the share of gold answers that were
 * right, and the distribution of labels among the normal answers. A falling gold accuracy or a label distribution that
 * moves while the items do not is the sign of a crowd that changed (new workers, fatigue, a bot).
 */
@Singleton
public class DriftService {

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Bucket(Instant start, long answers, long goldAnswers, long goldCorrect, @Nullable Double goldAccuracy, Map<String, Long> labels) {
    }

    @Serdeable
    public record Drift(long jobId, String bucket, List<String> labels, List<Bucket> buckets) {
    }

    /** Most buckets returned (the latest ones). */
    static final int MAX_BUCKETS = 1000;

    private final Db db;

    public DriftService(Db db) {
        this.db = db;
    }

    public Drift drift(@Nullable Long requesterId, long jobId, String bucket) {
        if (!List.of("hour", "day").contains(bucket)) {
            throw ApiException.invalid("bucket", "must be hour or day");
        }
        return db.tx(c -> {
            List<String> labels = Db.one(c, rs -> Arrays.asList((String[]) rs.getArray(1).getArray()),
                            "SELECT labels FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)", jobId, requesterId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("job"));
            record Row(Instant start, String label, boolean gold, long n, long correct) {
            }
            List<Row> rows = Db.list(c, rs -> new Row(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getLong(5)),
                    "SELECT b, label, is_gold, n, correct FROM (SELECT date_trunc(?, a.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS b, a.label, "
                            + "a.is_gold, count(*) AS n, count(*) FILTER (WHERE a.gold_correct) AS correct FROM assignment a "
                            + "WHERE a.job_id = ? AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED') AND (NOT a.is_gold OR a.gold_correct IS NOT NULL) GROUP BY 1, 2, 3) t "
                            + "WHERE b >= (SELECT COALESCE(max(date_trunc(?, submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), now()) "
                            + "- ?::interval FROM assignment WHERE job_id = ? AND status IN ('SUBMITTED','ACCEPTED','REJECTED')) ORDER BY b",
                    bucket, jobId, bucket, (MAX_BUCKETS - 1) + " " + bucket + "s", jobId);
            List<Bucket> out = new ArrayList<>();
            int i = 0;
            while (i < rows.size()) {
                Instant start = rows.get(i).start();
                long answers = 0;
                long golds = 0;
                long correct = 0;
                Map<String, Long> dist = new LinkedHashMap<>();
                for (String l : labels) {
                    dist.put(l, 0L);
                }
                for (; i < rows.size() && rows.get(i).start().equals(start); i++) {
                    Row r = rows.get(i);
                    answers += r.n();
                    if (r.gold()) {
                        golds += r.n();
                        correct += r.correct();
                    } else {
                        dist.merge(r.label(), r.n(), Long::sum);
                    }
                }
                out.add(new Bucket(start, answers, golds, correct, golds == 0 ? null : (double) correct / golds, dist));
            }
            return new Drift(jobId, bucket, labels, out);
        });
    }
}
