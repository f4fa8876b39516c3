package io.goldfinch.results;

import io.goldfinch.aggregation.LabelAggregation;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Dataset snapshots: a job's labels frozen at one moment as a numbered version, with the provenance of each label (the
 * snapshot version and the model that produced it) and the worker models behind them. Creating one runs the job's
 * aggregation on every answer accepted or awaiting review, exactly as the live results do, and stores the outcome;
 * nothing stored is ever changed (the tables refuse updates and deletes), so a version downloaded twice is the same
 * file, which its SHA-256 lets a client check.
 *
 * <p>Scoping: a requester sees and snapshots only his own jobs (another's job is a 404); quality managers and admins
 * any job. Gold items are clamped to their key in the fit and never appear in a snapshot's items.
 */
@Singleton
public class SnapshotService {

    /** One version's metadata. {@code krippendorffAlpha}/{@code fleissKappa} are null where undefined. */
    @Serdeable
    public record Snapshot(long jobId, int version, Instant createdAt, long createdBy, String method, String model,
                           int iterations, int answers, @Nullable Instant lastAnswerAt, int items, int goldItems, int adjudicated, int workers,
                           @Nullable Double krippendorffAlpha, @Nullable Double fleissKappa, String contentSha256) {
    }

    /**
     * One labelled item with its provenance: {@code source} is {@code crowd} (the model's label and posterior) or
     * {@code adjudicated} (an expert's label, confidence 1).
     */
    @Serdeable
    public record Item(String item, String label, double confidence, int answers, int version, String model, String source) {
    }

    /** One worker's model in a snapshot: answers used and the confusion matrix, rows = true label, columns = answer. */
    @Serdeable
    public record Worker(long worker, int answers, List<List<Double>> confusion) {
    }

    @Serdeable
    public record Workers(int version, String model, List<String> labels, List<Worker> workers) {
    }

    /** The CSV columns of a snapshot's items; the SHA-256 is over exactly this export. */
    static final List<String> CSV_HEADER = List.of("item", "label", "confidence", "answers", "version", "model", "source");

    static final String CROWD = "crowd";
    static final String ADJUDICATED = "adjudicated";

    /** Rows per statement when a snapshot's items are written. */
    private static final int INSERT_CHUNK = 10_000;
    /** First key of the advisory lock that numbers one job's versions (the second is the job id). */
    private static final int VERSION_LOCK = 0x534e4150;

    private final Db db;
    private final Clock clock;
    private final int exportPage;

    public SnapshotService(Db db, Clock clock, @Value("${goldfinch.exports.page:5000}") int exportPage) {
        if (exportPage < 1) {
            throw new IllegalArgumentException("goldfinch.exports.page must be at least 1");
        }
        this.db = db;
        this.clock = clock;
        this.exportPage = exportPage;
    }

    private record JobInfo(long id, List<String> labels, String method) {
    }

    private record Loaded(JobInfo job, List<LabelAggregation.Answer> answers, Map<String, String> gold, Map<String, String> adjudicated,
                          Instant lastAnswerAt, Map<String, String> externalIds) {
    }

    /** The job if the caller may see it ({@code requesterId} null: any job), else 404. */
    private static JobInfo visible(Connection c, @Nullable Long requesterId, long jobId) throws SQLException {
        return Db.one(c, rs -> new JobInfo(rs.getLong(1), Arrays.asList((String[]) rs.getArray(2).getArray()), rs.getString(3)),
                        "SELECT id, labels, aggregation_method FROM job WHERE id = ? AND (?::bigint IS NULL OR requester_id = ?)",
                        jobId, requesterId, requesterId)
                .orElseThrow(() -> ApiException.notFound("job"));
    }

    /**
     * Fits the job's aggregation on its answers so far and stores the outcome as the next version. 409 when no
     * non-gold item has an answer yet.
     */
    public Snapshot create(@Nullable Long requesterId, long callerId, long jobId) {
        // One statement reads all answers, so they are a consistent cut even while workers keep answering.
        Loaded loaded = db.tx(c -> {
            JobInfo job = visible(c, requesterId, jobId);
            Map<String, String> external = new java.util.HashMap<>();
            Instant[] last = {null};
            List<LabelAggregation.Answer> answers = Db.list(c, rs -> {
                        external.putIfAbsent(rs.getString(1), rs.getString(2));
                        Instant at = rs.getTimestamp(5).toInstant();
                        if (last[0] == null || at.isAfter(last[0])) {
                            last[0] = at;
                        }
                        return new LabelAggregation.Answer(rs.getString(1), rs.getString(3), rs.getString(4), rs.getLong(6));
                    },
                    "SELECT a.item_id::text, i.external_id, a.worker_id::text, a.label, a.submitted_at, "
                            + "row_number() OVER (ORDER BY a.submitted_at, a.id) "
                            + "FROM assignment a JOIN item i ON i.id = a.item_id "
                            + "WHERE a.job_id = ? AND a.status IN ('SUBMITTED','ACCEPTED')", jobId);
            Map<String, String> gold = new java.util.HashMap<>();
            Db.list(c, rs -> gold.put(rs.getString(1), rs.getString(2)),
                    "SELECT id::text, gold_label FROM item WHERE job_id = ? AND is_gold", jobId);
            Map<String, String> adjudicated = new java.util.HashMap<>();
            Db.list(c, rs -> {
                        external.putIfAbsent(rs.getString(1), rs.getString(3));
                        return adjudicated.put(rs.getString(1), rs.getString(2));
                    },
                    "SELECT DISTINCT ON (x.item_id) x.item_id::text, x.label, i.external_id FROM item_adjudication x "
                            + "JOIN item i ON i.id = x.item_id WHERE x.job_id = ? ORDER BY x.item_id, x.id DESC", jobId);
            return new Loaded(job, answers, gold, adjudicated, last[0], external);
        });
        boolean anyNormal = loaded.answers().stream().anyMatch(a -> !loaded.gold().containsKey(a.item()));
        if (!anyNormal) {
            throw ApiException.conflict("nothing-to-snapshot", "no item of this job has an answer yet");
        }
        // Experts' labels are clamped like golds', so they inform the workers' models too.
        Map<String, String> clamped = new java.util.HashMap<>(loaded.adjudicated());
        clamped.putAll(loaded.gold());
        LabelAggregation.Outcome outcome = LabelAggregation.aggregate(loaded.answers(), clamped, loaded.job().labels(),
                loaded.job().method());

        List<LabelAggregation.ItemLabel> items = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int goldItems = 0;
        for (LabelAggregation.ItemLabel item : outcome.items()) {
            seen.add(item.item());
            if (loaded.gold().containsKey(item.item())) {
                goldItems++;
            } else {
                String expert = loaded.adjudicated().get(item.item());
                items.add(expert == null ? item : new LabelAggregation.ItemLabel(item.item(), expert, 1.0, item.answers()));
            }
        }
        // An item an expert labelled before any answer reached it.
        loaded.adjudicated().forEach((item, label) -> {
            if (!seen.contains(item) && !loaded.gold().containsKey(item)) {
                items.add(new LabelAggregation.ItemLabel(item, label, 1.0, 0));
            }
        });
        items.sort(Comparator.comparing(i -> loaded.externalIds().get(i.item()), SnapshotService::byCodePoints));
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as stored
        int golds = goldItems;
        return db.tx(c -> {
            Db.scalarLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?, ?)", VERSION_LOCK, (int) jobId);
            int version = (int) Db.scalarLong(c, "SELECT COALESCE(max(version), 0) + 1 FROM dataset_snapshot WHERE job_id = ?", jobId);
            List<Item> rows = new ArrayList<>(items.size());
            for (LabelAggregation.ItemLabel i : items) {
                rows.add(new Item(loaded.externalIds().get(i.item()), i.label(), i.confidence(), i.answers(), version, outcome.method(),
                        loaded.adjudicated().containsKey(i.item()) ? ADJUDICATED : CROWD));
            }
            String sha = sha256(csv(rows));
            Double alpha = Double.isNaN(outcome.krippendorffAlpha()) ? null : outcome.krippendorffAlpha();
            Double kappa = Double.isNaN(outcome.fleissKappa()) ? null : outcome.fleissKappa();
            int adjudicated = (int) rows.stream().filter(r -> r.source().equals(ADJUDICATED)).count();
            long id = Db.scalarLong(c, "INSERT INTO dataset_snapshot (job_id, version, created_at, created_by, method, model, iterations, "
                            + "answers, last_answer_at, items, gold_items, adjudicated, workers, krippendorff_alpha, fleiss_kappa, content_sha256) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    jobId, version, Timestamp.from(now), callerId, loaded.job().method(), outcome.method(), outcome.iterations(),
                    loaded.answers().size(), loaded.lastAnswerAt() == null ? null : Timestamp.from(loaded.lastAnswerAt()),
                    rows.size(), golds, adjudicated, outcome.workers().size(), alpha, kappa, sha);
            for (int from = 0; from < items.size(); from += INSERT_CHUNK) {
                List<LabelAggregation.ItemLabel> chunk = items.subList(from, Math.min(items.size(), from + INSERT_CHUNK));
                Db.update(c, "INSERT INTO dataset_snapshot_item (snapshot_id, item_id, label, confidence, answers, source) "
                                + "SELECT ?, * FROM unnest(?::bigint[], ?::text[], ?::float8[], ?::int[], ?::text[])", id,
                        c.createArrayOf("bigint", chunk.stream().map(i -> Long.parseLong(i.item())).toArray()),
                        c.createArrayOf("text", chunk.stream().map(LabelAggregation.ItemLabel::label).toArray()),
                        c.createArrayOf("float8", chunk.stream().map(LabelAggregation.ItemLabel::confidence).toArray()),
                        c.createArrayOf("int4", chunk.stream().map(LabelAggregation.ItemLabel::answers).toArray()),
                        c.createArrayOf("text", chunk.stream().map(i -> loaded.adjudicated().containsKey(i.item()) ? ADJUDICATED : CROWD).toArray()));
            }
            for (LabelAggregation.WorkerModel w : outcome.workers()) {
                Db.update(c, "INSERT INTO dataset_snapshot_worker (snapshot_id, worker_id, answers, confusion) VALUES (?, ?, ?, ?)",
                        id, Long.parseLong(w.worker()), w.answers(),
                        c.createArrayOf("float8", Arrays.stream(w.confusion()).boxed().toArray()));
            }
            return new Snapshot(jobId, version, now, callerId, loaded.job().method(), outcome.method(), outcome.iterations(),
                    loaded.answers().size(), loaded.lastAnswerAt(), rows.size(), golds, adjudicated, outcome.workers().size(), alpha, kappa, sha);
        });
    }

    private static final String SNAPSHOT_COLUMNS = "job_id, version, created_at, created_by, method, model, iterations, answers, "
            + "last_answer_at, items, gold_items, adjudicated, workers, krippendorff_alpha, fleiss_kappa, content_sha256";

    private static Snapshot snapshot(java.sql.ResultSet rs) throws SQLException {
        Timestamp last = rs.getTimestamp(9);
        return new Snapshot(rs.getLong(1), rs.getInt(2), rs.getTimestamp(3).toInstant(), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getInt(8), last == null ? null : last.toInstant(), rs.getInt(10), rs.getInt(11),
                rs.getInt(12), rs.getInt(13), (Double) rs.getObject(14), (Double) rs.getObject(15), rs.getString(16));
    }

    /** The job's versions, newest first. */
    public List<Snapshot> list(@Nullable Long requesterId, long jobId) {
        return db.tx(c -> {
            visible(c, requesterId, jobId);
            return Db.list(c, SnapshotService::snapshot,
                    "SELECT " + SNAPSHOT_COLUMNS + " FROM dataset_snapshot WHERE job_id = ? ORDER BY version DESC", jobId);
        });
    }

    private static long snapshotId(Connection c, long jobId, int version) throws SQLException {
        return Db.one(c, rs -> rs.getLong(1), "SELECT id FROM dataset_snapshot WHERE job_id = ? AND version = ?", jobId, version)
                .orElseThrow(() -> ApiException.notFound("snapshot"));
    }

    public Snapshot get(@Nullable Long requesterId, long jobId, int version) {
        return db.tx(c -> {
            visible(c, requesterId, jobId);
            return Db.one(c, SnapshotService::snapshot,
                            "SELECT " + SNAPSHOT_COLUMNS + " FROM dataset_snapshot WHERE job_id = ? AND version = ?", jobId, version)
                    .orElseThrow(() -> ApiException.notFound("snapshot"));
        });
    }

    /** One exported row: the item with its provenance, and the item's data as JSON text (null unless asked for). */
    public record Row(Item item, @Nullable String data) {
    }

    /**
     * A version's items for download, read page by page in the byte order of their ids ({@link #byCodePoints}, the
     * order of its CSV and SHA-256): {@link #page} returns the rows after a given item. A snapshot never changes, so the
     * pages of one download are one consistent version however long it takes, and no connection or transaction is held
     * between them.
     */
    public final class Export {
        private final Snapshot snapshot;
        private final long snapshotId;
        private final boolean withData;

        private Export(Snapshot snapshot, long snapshotId, boolean withData) {
            this.snapshot = snapshot;
            this.snapshotId = snapshotId;
            this.withData = withData;
        }

        public Snapshot snapshot() {
            return snapshot;
        }

        /** The version's rows, a page at a time, for {@link Exports#stream}. */
        Exports.Pages<Row> pages() {
            return new Exports.Pages<>() {
                private String after;
                private boolean end;

                @Override
                public List<Row> next() {
                    if (end) {
                        return List.of();
                    }
                    List<Row> rows = page(after);
                    end = rows.size() < exportPage;
                    if (!rows.isEmpty()) {
                        after = rows.get(rows.size() - 1).item().item();
                    }
                    return rows;
                }
            };
        }

        /**
         * The next page: the rows whose item comes after {@code afterItem} (null: from the first). Two statements, so
         * that a later page's plan is always a range scan of the index from {@code afterItem}, even once the server
         * keeps one generic plan per statement.
         */
        List<Row> page(@Nullable String afterItem) {
            String sql = "SELECT i.external_id, si.label, si.confidence, si.answers, si.source" + (withData ? ", i.data::text" : "")
                    + " FROM item i JOIN dataset_snapshot_item si ON si.item_id = i.id AND si.snapshot_id = ? WHERE i.job_id = ?"
                    + (afterItem == null ? "" : " AND i.external_id COLLATE \"C\" > ?") + " ORDER BY i.external_id COLLATE \"C\" LIMIT ?";
            Object[] params = afterItem == null ? new Object[] {snapshotId, snapshot.jobId(), exportPage}
                    : new Object[] {snapshotId, snapshot.jobId(), afterItem, exportPage};
            return db.tx(c -> Db.list(c, rs -> new Row(new Item(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getInt(4),
                    snapshot.version(), snapshot.model(), rs.getString(5)), withData ? rs.getString(6) : null), sql, params));
        }
    }

    /**
     * Opens a version for download: 404 now for a job the caller may not see or a missing version, before any byte is
     * sent. {@code withData}: each row carries its item's data.
     */
    public Export export(@Nullable Long requesterId, long jobId, int version, boolean withData) {
        return db.tx(c -> {
            visible(c, requesterId, jobId);
            Snapshot s = Db.one(c, SnapshotService::snapshot,
                            "SELECT " + SNAPSHOT_COLUMNS + " FROM dataset_snapshot WHERE job_id = ? AND version = ?", jobId, version)
                    .orElseThrow(() -> ApiException.notFound("snapshot"));
            return new Export(s, snapshotId(c, jobId, version), withData);
        });
    }

    public Workers workers(@Nullable Long requesterId, long jobId, int version) {
        return db.tx(c -> {
            JobInfo job = visible(c, requesterId, jobId);
            Snapshot s = Db.one(c, SnapshotService::snapshot,
                            "SELECT " + SNAPSHOT_COLUMNS + " FROM dataset_snapshot WHERE job_id = ? AND version = ?", jobId, version)
                    .orElseThrow(() -> ApiException.notFound("snapshot"));
            long id = snapshotId(c, jobId, version);
            int k = job.labels().size();
            List<Worker> workers = Db.list(c, rs -> {
                        Double[] m = (Double[]) rs.getArray(3).getArray();
                        List<List<Double>> rows = new ArrayList<>(k);
                        for (int t = 0; t < k; t++) {
                            rows.add(List.of(Arrays.copyOfRange(m, t * k, (t + 1) * k)));
                        }
                        return new Worker(rs.getLong(1), rs.getInt(2), rows);
                    },
                    "SELECT worker_id, answers, confusion FROM dataset_snapshot_worker WHERE snapshot_id = ? ORDER BY worker_id", id);
            return new Workers(s.version(), s.model(), job.labels(), workers);
        });
    }

    /**
     * Item ids in code point order, which is the byte order of their UTF-8 and PostgreSQL's {@code COLLATE "C"}: a
     * version's items are listed in it, whatever the database's collation. ({@link String#compareTo} compares UTF-16
     * units, which puts characters beyond U+FFFF before U+E000..U+FFFF.)
     */
    static int byCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** The CSV export of a snapshot's items: the bytes its {@code contentSha256} is computed over. */
    static String csv(List<Item> rows) {
        return Exports.csvHeader(CSV_HEADER) + Exports.csv(SnapshotService::csvCells).render(rows, true);
    }

    /** One item's CSV cells, in {@link #CSV_HEADER}'s order. */
    static List<Object> csvCells(Item r) {
        return List.of(ResultsController.spreadsheetSafe(r.item()), ResultsController.spreadsheetSafe(r.label()),
                Double.toString(r.confidence()), r.answers(), r.version(), r.model(), r.source());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
