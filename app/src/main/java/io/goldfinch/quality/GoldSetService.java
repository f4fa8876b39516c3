package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.jobs.ItemParser;
import io.goldfinch.jobs.JobService;
import io.goldfinch.jobs.RowSink;
import io.goldfinch.matching.MatchingService;
import io.goldfinch.review.ReviewService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Gold sets shared across jobs. A set is a library of golds (data, key, hint) with its own label set; adding it to a job
 * copies its golds in service into the job as the job's golds, each remembering the set gold it came from. Retiring,
 * restoring or correcting a set gold then does the same in every job that has it (a correction re-scores and re-pays
 * there, as {@link GoldFixService} does for one job), and its statistics are summed across those jobs.
 * <p>
 * Access: a requester sees his own sets and adds them to his own jobs; quality managers and admins see every set and
 * add any set to any job. {@code scope} below is the requester's id, or null for any.
 */
@Singleton
public class GoldSetService {

    private static final Logger LOG = LoggerFactory.getLogger(GoldSetService.class);

    /** A set with its counts: golds, golds in service, and jobs that have at least one of its golds. */
    @Serdeable
    public record GoldSet(long id, String name, List<String> labels, long ownerId, Instant createdAt, long golds, long inService, long jobs) {
    }

    /** A set gold with its statistics summed over the jobs that have it. */
    @Serdeable
    public record SetGold(String item, Map<String, Object> data, String label, @Nullable String hint, @Nullable Instant retiredAt,
                          long jobs, long shown, long answered, long correct, @Nullable Double shareCorrect) {
    }

    @Serdeable
    public record Detail(GoldSet set, List<SetGold> golds) {
    }

    /** What adding a set to a job did: golds copied, golds the job already had (by id), retired set golds left out. */
    @Serdeable
    public record Added(long setId, long jobId, long added, long alreadyInJob, long retiredLeftOut, long goldsInService) {
    }

    /** A set gold's service state after a change, how many jobs' copies changed with it, and what a void did there. */
    @Serdeable
    public record SetGoldState(String item, boolean retired, @Nullable Instant retiredAt, @Nullable Instant voidedAt, int jobsChanged,
                               int answersVoided, int rejectionsReversed, long paidMinor) {
    }

    /** A set gold's correction: the set's key, and per job what {@link GoldFixService} did, summed. */
    @Serdeable
    public record SetFix(String item, String oldLabel, String newLabel, int jobs, int answersRescored, int rejectionsReversed, long paidMinor) {
    }

    private final Db db;
    private final JsonMapper json;
    private final Clock clock;
    private final MatchingService matching;
    private final GoldFixService goldFix;

    private final GoldRetirementService retirement;

    public GoldSetService(Db db, JsonMapper json, Clock clock, MatchingService matching, GoldFixService goldFix, GoldRetirementService retirement) {
        this.retirement = retirement;
        this.db = db;
        this.json = json;
        this.clock = clock;
        this.matching = matching;
        this.goldFix = goldFix;
    }

    public GoldSet create(long ownerId, String name, List<String> labels) {
        if (new HashSet<>(labels).size() != labels.size()) {
            throw ApiException.invalid("labels", "must be distinct");
        }
        return db.tx(c -> {
            long id = Db.scalarLong(c, "INSERT INTO gold_set (owner_id, name, labels, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                    ownerId, name.strip(), c.createArrayOf("text", labels.toArray()), Timestamp.from(clock.instant()));
            return set(c, null, id);
        });
    }

    public List<GoldSet> list(@Nullable Long scope) {
        return db.tx(c -> Db.list(c, GoldSetService::mapSet, SET_SELECT + "WHERE (?::bigint IS NULL OR s.owner_id = ?) ORDER BY s.id DESC", scope, scope));
    }

    public Detail detail(@Nullable Long scope, long setId) {
        return db.tx(c -> {
            GoldSet set = set(c, scope, setId);
            record Row(String item, String data, String label, String hint, Timestamp retiredAt, long jobs, long shown, long answered, long correct) {
            }
            List<Row> rows = Db.list(c, rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)),
                    "SELECT g.external_id, g.data::text, g.label, g.hint, g.retired_at, count(DISTINCT i.id), count(a.id), "
                            + "count(a.id) FILTER (WHERE a.status IN ('SUBMITTED','ACCEPTED','REJECTED')), "
                            + "count(a.id) FILTER (WHERE a.status IN ('SUBMITTED','ACCEPTED','REJECTED') AND a.gold_correct) "
                            + "FROM gold_set_item g LEFT JOIN item i ON i.gold_source = g.id LEFT JOIN assignment a ON a.item_id = i.id "
                            + "WHERE g.set_id = ? GROUP BY g.id ORDER BY g.id", setId);
            List<SetGold> golds = rows.stream().map(r -> new SetGold(r.item(), data(r.data()), r.label(), r.hint(),
                    r.retiredAt() == null ? null : r.retiredAt().toInstant(), r.jobs(), r.shown(), r.answered(), r.correct(),
                    r.answered() == 0 ? null : (double) r.correct() / r.answered())).toList();
            return new Detail(set, golds);
        });
    }

    /** Adds golds to the set from CSV or JSONL, as a job's golds are uploaded (id, data, label, optional hint). */
    public JobService.UploadReport upload(@Nullable Long scope, long setId, ItemParser.Format format, InputStream body) {
        return db.tx(c -> {
            GoldSet set = lockSet(c, scope, setId);
            var existing = new HashSet<>(Db.list(c, rs -> rs.getString(1), "SELECT external_id FROM gold_set_item WHERE set_id = ?", setId));
            Timestamp now = Timestamp.from(clock.instant());
            var sink = new RowSink(c.prepareStatement("INSERT INTO gold_set_item (set_id, external_id, data, label, hint, created_at) "
                    + "VALUES (?, ?, ?::jsonb, ?, ?, ?)"), existing, (insert, row) -> {
                insert.setLong(1, setId);
                insert.setString(2, row.externalId());
                insert.setString(3, row.dataJson());
                insert.setString(4, row.label());
                insert.setString(5, row.hint());
                insert.setTimestamp(6, now);
            });
            return sink.drain(new ItemParser(json, true, new HashSet<>(set.labels())), body, format);
        });
    }

    /**
     * Copies the set's golds in service into the job (draft, published or paused) as the job's golds; golds the job
     * already has (same id) are left as they are. Adding the set again later copies only the golds added to it since.
     * The set's labels must all be labels of the job.
     */
    public Added addToJob(@Nullable Long scope, long setId, long jobId) {
        Added added = db.tx(c -> {
            record JobRow(List<String> labels, String status) {
            }
            JobRow job = Db.one(c, rs -> new JobRow(Arrays.asList((String[]) rs.getArray(1).getArray()), rs.getString(2)),
                            "SELECT labels, status FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?) FOR UPDATE", jobId, scope, scope)
                    .orElseThrow(() -> ApiException.notFound("job"));
            GoldSet set = set(c, scope, setId);
            if (!List.of("DRAFT", "PUBLISHED", "PAUSED").contains(job.status())) {
                throw ApiException.conflict("job-not-running", "golds can be added only to a draft, published or paused job, not a " + job.status());
            }
            if (!new HashSet<>(job.labels()).containsAll(set.labels())) {
                var missing = new LinkedHashSet<>(set.labels());
                missing.removeAll(job.labels());
                throw ApiException.conflict("labels-differ", "the set's labels " + missing + " are not labels of the job " + job.labels());
            }
            long already = Db.scalarLong(c, "SELECT count(*) FROM gold_set_item g WHERE g.set_id = ? AND g.retired_at IS NULL "
                    + "AND EXISTS (SELECT 1 FROM item i WHERE i.job_id = ? AND i.external_id = g.external_id)", setId, jobId);
            long retired = Db.scalarLong(c, "SELECT count(*) FROM gold_set_item WHERE set_id = ? AND retired_at IS NOT NULL", setId);
            int inserted = Db.update(c, "INSERT INTO item (job_id, external_id, data, is_gold, gold_label, gold_hint, gold_source) "
                    + "SELECT ?, g.external_id, g.data, true, g.label, g.hint, g.id FROM gold_set_item g "
                    + "WHERE g.set_id = ? AND g.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM item i WHERE i.job_id = ? AND i.external_id = g.external_id) "
                    + "ORDER BY g.id", jobId, setId, jobId);
            long inService = Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND is_gold AND gold_retired_at IS NULL", jobId);
            return new Added(setId, jobId, inserted, already, retired, inService);
        });
        if (added.added() > 0) {
            syncQuietly(List.of(jobId));
        }
        return added;
    }

    /**
     * Retires a set gold, and with it every job's copy (idempotent). With {@code voidAnswers}, the copies' answers stop
     * counting too, as a job's voided gold's do ({@link GoldRetirementService}), and the set gold cannot be restored.
     */
    public SetGoldState retire(@Nullable Long scope, long userId, long setId, String item, boolean voidAnswers) {
        return change(scope, userId, setId, item, true, voidAnswers);
    }

    /** Puts a set gold back in service, and every job's copy that was retired (not voided); 409 for a voided set gold. */
    public SetGoldState restore(@Nullable Long scope, long userId, long setId, String item) {
        return change(scope, userId, setId, item, false, false);
    }

    private SetGoldState change(@Nullable Long scope, long userId, long setId, String item, boolean retire, boolean voidAnswers) {
        record Result(SetGoldState state, List<Long> jobs) {
        }
        Result result = db.tx(c -> {
            lockSet(c, scope, setId);
            long goldId = setGold(c, setId, item);
            Timestamp now = Timestamp.from(clock.instant());
            boolean wasVoided = Db.one(c, rs -> rs.getTimestamp(1) != null, "SELECT voided_at FROM gold_set_item WHERE id = ?", goldId).orElseThrow();
            if (!retire && wasVoided) {
                throw ApiException.conflict("gold-voided", "gold " + item + " was voided: its answers no longer count, so it cannot serve again; "
                        + "add it again under a new id");
            }
            if (retire) {
                Db.update(c, "UPDATE gold_set_item SET retired_at = ? WHERE id = ? AND retired_at IS NULL", now, goldId);
                if (voidAnswers) {
                    Db.update(c, "UPDATE gold_set_item SET voided_at = ? WHERE id = ? AND voided_at IS NULL", now, goldId);
                }
            } else {
                Db.update(c, "UPDATE gold_set_item SET retired_at = NULL WHERE id = ?", goldId);
            }
            // Each job's copy, jobs in id order and each job row locked first, as a single job's change locks them.
            record Copy(long jobId, long itemId, String external, boolean retired, boolean voided) {
            }
            List<Copy> copies = Db.list(c, rs -> new Copy(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5)),
                    "SELECT i.job_id, i.id, i.external_id, i.gold_retired_at IS NOT NULL, i.gold_voided_at IS NOT NULL FROM item i "
                            + "WHERE i.gold_source = ? ORDER BY i.job_id", goldId);
            List<Long> changed = new java.util.ArrayList<>();
            int answers = 0;
            ReviewService.Reversals reversals = new ReviewService.Reversals(0, 0);
            for (Copy copy : copies) {
                Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? FOR NO KEY UPDATE", copy.jobId()).orElseThrow();
                LockedGold.lockRow(c, copy.itemId());
                if (retire) {
                    if (!copy.retired()) {
                        Db.update(c, "UPDATE item SET gold_retired_at = ?, gold_retired_by = ? WHERE id = ?", now, userId, copy.itemId());
                        changed.add(copy.jobId());
                    }
                    if (voidAnswers && !copy.voided()) {
                        Db.update(c, "UPDATE item SET gold_voided_at = ? WHERE id = ?", now, copy.itemId());
                        GoldRetirementService.Voided v = retirement.voidAnswers(c, copy.jobId(), copy.itemId(), copy.external());
                        answers += v.answers();
                        reversals = reversals.plus(v.reversals());
                        if (copy.retired()) {
                            changed.add(copy.jobId());
                        }
                    }
                } else if (copy.retired() && !copy.voided()) {
                    Db.update(c, "UPDATE item SET gold_retired_at = NULL, gold_retired_by = NULL WHERE id = ?", copy.itemId());
                    changed.add(copy.jobId());
                }
            }
            Timestamp[] at = Db.one(c, rs -> new Timestamp[]{rs.getTimestamp(1), rs.getTimestamp(2)},
                    "SELECT retired_at, voided_at FROM gold_set_item WHERE id = ?", goldId).orElseThrow();
            return new Result(new SetGoldState(item, at[0] != null, at[0] == null ? null : at[0].toInstant(), at[1] == null ? null : at[1].toInstant(),
                    changed.size(), answers, reversals.count(), reversals.paidMinor()), changed);
        });
        syncQuietly(result.jobs());
        return result.state();
    }

    /**
     * Corrects a set gold's key, and every job's copy in the same transaction: their answers are re-scored and the
     * rejections the wrong key caused reversed and paid. The label must be one of the set's (and so of every job's).
     */
    public SetFix correct(@Nullable Long scope, long setId, String item, String label) {
        return db.tx(c -> {
            GoldSet set = lockSet(c, scope, setId);
            if (!set.labels().contains(label)) {
                throw ApiException.invalid("label", "must be one of " + set.labels());
            }
            long goldId = setGold(c, setId, item);
            String old = Db.one(c, rs -> rs.getString(1), "SELECT label FROM gold_set_item WHERE id = ? FOR UPDATE", goldId).orElseThrow();
            Db.update(c, "UPDATE gold_set_item SET label = ? WHERE id = ?", label, goldId);
            record Copy(long jobId, String item) {
            }
            // Jobs in id order, each row locked as a single-job correction locks it.
            List<Copy> copies = Db.list(c, rs -> new Copy(rs.getLong(1), rs.getString(2)),
                    "SELECT i.job_id, i.external_id FROM item i JOIN job j ON j.id = i.job_id WHERE i.gold_source = ? ORDER BY i.job_id FOR NO KEY UPDATE OF j",
                    goldId);
            int rescored = 0;
            int reversed = 0;
            long paid = 0;
            for (Copy copy : copies) {
                GoldFixService.Fixed fixed = goldFix.fixIn(c, copy.jobId(), copy.item(), label);
                rescored += fixed.answersRescored();
                reversed += fixed.rejectionsReversed();
                paid += fixed.paidMinor();
            }
            return new SetFix(item, old, label, copies.size(), rescored, reversed, paid);
        });
    }

    private void syncQuietly(List<Long> jobs) {
        for (long job : new LinkedHashSet<>(jobs)) {
            try {
                matching.syncGolds(job);
            } catch (RuntimeException e) {
                // Committed in PostgreSQL; the job's next reconcile pass (or rebuild) brings its gold set in Redis in line.
                LOG.warn("job {}: golds changed, but its gold set in Redis was not updated yet: {}", job, e.toString());
            }
        }
    }

    private static long setGold(Connection c, long setId, String item) throws SQLException {
        return Db.one(c, rs -> rs.getLong(1), "SELECT id FROM gold_set_item WHERE set_id = ? AND external_id = ?", setId, item)
                .orElseThrow(() -> ApiException.notFound("gold"));
    }

    private static final String SET_SELECT = "SELECT s.id, s.name, s.labels, s.owner_id, s.created_at, "
            + "(SELECT count(*) FROM gold_set_item g WHERE g.set_id = s.id) AS golds, "
            + "(SELECT count(*) FROM gold_set_item g WHERE g.set_id = s.id AND g.retired_at IS NULL) AS in_service, "
            + "(SELECT count(DISTINCT i.job_id) FROM gold_set_item g JOIN item i ON i.gold_source = g.id WHERE g.set_id = s.id) AS jobs "
            + "FROM gold_set s ";

    private static GoldSet set(Connection c, @Nullable Long scope, long setId) throws SQLException {
        return Db.one(c, GoldSetService::mapSet, SET_SELECT + "WHERE s.id = ? AND (?::bigint IS NULL OR s.owner_id = ?)", setId, scope, scope)
                .orElseThrow(() -> ApiException.notFound("gold set"));
    }

    /** The set, its row locked: changes to one set's golds go one at a time. */
    private static GoldSet lockSet(Connection c, @Nullable Long scope, long setId) throws SQLException {
        Db.one(c, rs -> rs.getLong(1), "SELECT id FROM gold_set WHERE id = ? AND (?::bigint IS NULL OR owner_id = ?) FOR UPDATE", setId, scope, scope)
                .orElseThrow(() -> ApiException.notFound("gold set"));
        return set(c, scope, setId);
    }

    private static GoldSet mapSet(java.sql.ResultSet rs) throws SQLException {
        return new GoldSet(rs.getLong("id"), rs.getString("name"), Arrays.asList((String[]) rs.getArray("labels").getArray()), rs.getLong("owner_id"),
                rs.getTimestamp("created_at").toInstant(), rs.getLong("golds"), rs.getLong("in_service"), rs.getLong("jobs"));
    }

    private Map<String, Object> data(String text) {
        try {
            return json.readValue(text, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
