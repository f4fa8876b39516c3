package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adjudication queue: items the crowd left uncertain (closed at their maximum overlap with a posterior below the
 * job's confidence target), least confident first, each with its data and the crowd's votes, for an expert to label.
 * The expert's label becomes the item's label in results and dataset versions, and is clamped like a gold's in the
 * fit. Decisions are append-only; a correction is a new decision, and the latest counts.
 *
 * <p>Scoping: the job's requester sees his own jobs (another's is a 404), quality managers and admins any job.
 */
@Singleton
public class AdjudicationService {

    /** One item waiting for an expert. {@code crowdLabel}/{@code crowdConfidence} are the item's posterior when it closed. */
    @Serdeable
    public record QueueItem(String item, Map<String, Object> data, @Nullable String crowdLabel, double crowdConfidence, int answers,
                            Map<String, Integer> votes, Instant closedAt) {
    }

    @Serdeable
    public record Queue(long jobId, List<String> labels, double confidenceTarget, long pending, List<QueueItem> items) {
    }

    /** An expert's label for an item, beside what the crowd said. */
    @Serdeable
    public record Adjudication(String item, String label, @Nullable String note, long adjudicatedBy, Instant adjudicatedAt,
                               @Nullable String crowdLabel, @Nullable Double crowdConfidence) {
    }

    /** Most items one queue page shows. */
    public static final int MAX_PAGE = 500;

    private final Db db;
    private final Clock clock;
    private final JsonMapper json;

    public AdjudicationService(Db db, Clock clock, JsonMapper json) {
        this.db = db;
        this.clock = clock;
        this.json = json;
    }

    private record JobInfo(List<String> labels, double confidenceTarget) {
    }

    private static JobInfo visible(Connection c, @Nullable Long requesterId, long jobId) throws SQLException {
        return Db.one(c, rs -> new JobInfo(Arrays.asList((String[]) rs.getArray(1).getArray()), rs.getDouble(2)),
                        "SELECT labels, confidence_target FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)",
                        jobId, requesterId, requesterId)
                .orElseThrow(() -> ApiException.notFound("job"));
    }

    /**
     * Closed at the maximum overlap below the target, not a gold, no decision yet (the same condition for the page and
     * the count). Items the value rule closed earlier are not waiting: more answers were not worth their price to the
     * requester, and an expert's answer costs more.
     */
    private static final String WAITING = "FROM item i JOIN job j ON j.id = i.job_id WHERE i.job_id = ? AND NOT i.is_gold "
            + "AND i.closed_at IS NOT NULL AND COALESCE(i.posterior_confidence, 0) < j.confidence_target AND i.posterior_answers >= j.overlap_max "
            + "AND NOT EXISTS (SELECT 1 FROM item_adjudication x WHERE x.item_id = i.id)";

    /** The items waiting for an expert, least confident first, at most {@code limit} (1 to {@link #MAX_PAGE}). */
    public Queue queue(@Nullable Long requesterId, long jobId, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.invalid("limit", "must be 1 to " + MAX_PAGE);
        }
        return db.tx(c -> {
            JobInfo job = visible(c, requesterId, jobId);
            long pending = Db.scalarLong(c, "SELECT count(*) " + WAITING, jobId);
            record Row(long id, String item, String data, String label, double confidence, int answers, Instant closedAt) {
            }
            List<Row> rows = Db.list(c, rs -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5),
                            rs.getInt(6), rs.getTimestamp(7).toInstant()),
                    "SELECT i.id, i.external_id, i.data::text, i.posterior_label, COALESCE(i.posterior_confidence, 0), i.posterior_answers, "
                            + "i.closed_at " + WAITING + " ORDER BY COALESCE(i.posterior_confidence, 0), i.id LIMIT ?", jobId, limit);
            Map<Long, Map<String, Integer>> votes = new java.util.HashMap<>();
            if (!rows.isEmpty()) {
                Db.list(c, rs -> votes.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getInt(3)),
                        "SELECT item_id, label, count(*)::int FROM assignment WHERE item_id = ANY (?) AND status IN ('SUBMITTED','ACCEPTED') "
                                + "GROUP BY item_id, label ORDER BY item_id, count(*) DESC, label",
                        c.createArrayOf("bigint", rows.stream().map(Row::id).toArray()));
            }
            List<QueueItem> items = new ArrayList<>(rows.size());
            for (Row r : rows) {
                items.add(new QueueItem(r.item(), data(r.data()), r.label(), r.confidence(), r.answers(),
                        votes.getOrDefault(r.id(), Map.of()), r.closedAt()));
            }
            return new Queue(jobId, job.labels(), job.confidenceTarget(), pending, items);
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> data(String text) {
        try {
            return json.readValue(text, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records an expert's label for a non-gold item of the job (404 for an unknown item; 409 for a gold, whose label is
     * its key; 422 for a label outside the job's labels). Any item may be adjudicated, not only queued ones.
     */
    public Adjudication adjudicate(@Nullable Long requesterId, long callerId, long jobId, String item, String label,
                                   @Nullable String note) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return db.tx(c -> {
            JobInfo job = visible(c, requesterId, jobId);
            if (!job.labels().contains(label)) {
                throw ApiException.invalid("label", "must be one of " + job.labels());
            }
            record Found(long id, boolean gold, String label, Double confidence) {
            }
            Found found = Db.one(c, rs -> new Found(rs.getLong(1), rs.getBoolean(2), rs.getString(3), (Double) rs.getObject(4)),
                            "SELECT id, is_gold, posterior_label, posterior_confidence FROM item WHERE job_id = ? AND external_id = ?", jobId, item)
                    .orElseThrow(() -> ApiException.notFound("item"));
            if (found.gold()) {
                throw ApiException.conflict("gold-item", "item " + item + " is a gold: its label is its key");
            }
            Db.update(c, "INSERT INTO item_adjudication (job_id, item_id, label, note, adjudicated_by, adjudicated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    jobId, found.id(), label, note == null || note.isBlank() ? null : note.strip(), callerId, Timestamp.from(now));
            return new Adjudication(item, label, note == null || note.isBlank() ? null : note.strip(), callerId, now, found.label(),
                    found.confidence());
        });
    }

    /** The job's current decisions (the latest per item), newest first. */
    public List<Adjudication> decisions(@Nullable Long requesterId, long jobId) {
        return db.tx(c -> {
            visible(c, requesterId, jobId);
            return Db.list(c, rs -> new Adjudication(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getTimestamp(5).toInstant(), rs.getString(6), (Double) rs.getObject(7)),
                    "SELECT * FROM (SELECT DISTINCT ON (x.item_id) i.external_id, x.label, x.note, x.adjudicated_by, x.adjudicated_at, "
                            + "i.posterior_label, i.posterior_confidence, x.id FROM item_adjudication x JOIN item i ON i.id = x.item_id "
                            + "WHERE x.job_id = ? ORDER BY x.item_id, x.id DESC) d ORDER BY d.id DESC", jobId);
        });
    }
}
