package io.goldfinch.matching;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Hands out tasks. Redis holds the hot state (open items with their used slots, golds, per-worker seen-sets, the gold
 * budget left) and makes claims atomic with Lua; Postgres is the truth and re-checks every claim under a row lock, so
 * even a stale or rebuilt Redis cannot put more live assignments on an item than its overlap, give a worker an item
 * twice, or serve golds beyond what escrow pays for.
 */
@Singleton
public final class MatchingService {

    private static final Logger LOG = LoggerFactory.getLogger(MatchingService.class);
    static final String LIVE = "('LEASED','SUBMITTED','ACCEPTED','REJECTED')";
    private static final int SCAN_LIMIT = 4096;
    private static final int CLAIM_ATTEMPTS = 4;

    /** A published job's matching parameters, read from Postgres. */
    record JobRow(long id, String title, String instructions, List<String> labels, long rewardMinor, long feeMinor,
                  int overlap, double goldRate, long goldTaskBudget) {
    }

    private final Db db;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisScripts scripts;
    private final Clock clock;
    private final RandomGenerator random;
    private final JsonMapper json;
    private final Duration lease;

    public MatchingService(Db db, StatefulRedisConnection<String, String> connection, RedisScripts scripts, Clock clock,
                           RandomGenerator random, JsonMapper json, @Value("${goldfinch.lease-seconds:600}") long leaseSeconds) {
        this.db = db;
        this.connection = connection;
        this.scripts = scripts;
        this.clock = clock;
        this.random = random;
        this.json = json;
        this.lease = Duration.ofSeconds(leaseSeconds);
    }

    static String meta(long job) {
        return "gf:j:" + job + ":meta";
    }

    static String open(long job) {
        return "gf:j:" + job + ":open";
    }

    static String golds(long job) {
        return "gf:j:" + job + ":golds";
    }

    static String seen(long job, long worker) {
        return "gf:j:" + job + ":seen:" + worker;
    }

    private RedisCommands<String, String> redis() {
        return connection.sync();
    }

    /** The next task for this worker, from the given job or from any published job; empty when none is available. */
    public Optional<Task> next(long workerId, Long jobId) {
        ensureWorkerMayWork(workerId);
        List<JobRow> jobs;
        if (jobId != null) {
            jobs = List.of(publishedJob(jobId).orElseThrow(() -> ApiException.notFound("job")));
        } else {
            jobs = new ArrayList<>(publishedJobs());
            // Fair by default: no requester's job is always first in line.
            for (int i = jobs.size() - 1; i > 0; i--) {
                java.util.Collections.swap(jobs, i, random.nextInt(i + 1));
            }
        }
        for (JobRow job : jobs) {
            Optional<Task> task = claimIn(job, workerId);
            if (task.isPresent()) {
                return task;
            }
        }
        return Optional.empty();
    }

    private Optional<Task> claimIn(JobRow job, long workerId) {
        boolean wantGold = job.goldRate() > 0 && random.nextDouble() < job.goldRate();
        if (wantGold) {
            Optional<Task> gold = claim(job, workerId, true);
            if (gold.isPresent()) {
                return gold;
            }
        }
        return claim(job, workerId, false);
    }

    private Optional<Task> claim(JobRow job, long workerId, boolean gold) {
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            long item = gold
                    ? scripts.evalLong("claim_gold", new String[]{meta(job.id()), golds(job.id()), seen(job.id(), workerId)},
                    String.valueOf(random.nextInt(Integer.MAX_VALUE)))
                    : scripts.evalLong("claim_item", new String[]{meta(job.id()), open(job.id()), seen(job.id(), workerId)},
                    String.valueOf(SCAN_LIMIT));
            if (item == -1) {
                rebuild(job.id());
                continue;
            }
            if (item == 0) {
                return Optional.empty();
            }
            Optional<Task> task = record(job, workerId, item, gold);
            if (task.isPresent()) {
                return task;
            }
        }
        return Optional.empty();
    }

    /** Writes the lease to Postgres after re-checking the promises there; on refusal, returns the Redis slot. */
    private Optional<Task> record(JobRow job, long workerId, long itemId, boolean gold) {
        Instant now = clock.instant();
        Instant expires = now.plus(lease);
        UUID id = UUID.randomUUID();
        Optional<String> data = db.tx(c -> {
            Optional<String> itemData = Db.one(c, rs -> rs.getString(1),
                    "SELECT data::text FROM item WHERE id = ? AND job_id = ? AND is_gold = ? FOR UPDATE", itemId, job.id(), gold);
            if (itemData.isEmpty()) {
                return Optional.empty();
            }
            boolean seenBefore = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE item_id = ? AND worker_id = ?", itemId, workerId) > 0;
            if (seenBefore) {
                return Optional.empty();
            }
            if (gold) {
                Db.one(c, rs -> rs.getLong(1), "SELECT id FROM job WHERE id = ? FOR UPDATE", job.id());
                long used = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold AND status IN " + LIVE, job.id());
                if (used >= job.goldTaskBudget()) {
                    return Optional.empty();
                }
            } else {
                long used = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE item_id = ? AND status IN " + LIVE, itemId);
                if (used >= job.overlap()) {
                    return Optional.empty();
                }
            }
            Db.update(c, "INSERT INTO assignment (id, job_id, item_id, worker_id, is_gold, status, reward_minor, fee_minor, leased_at, lease_expires_at) "
                            + "VALUES (?, ?, ?, ?, ?, 'LEASED', ?, ?, ?, ?)",
                    id, job.id(), itemId, workerId, gold, job.rewardMinor(), job.feeMinor(), Timestamp.from(now), Timestamp.from(expires));
            return itemData;
        });
        if (data.isEmpty()) {
            // Postgres refused: Redis was stale for this item. Give the slot back; the item stays in the worker's seen-set.
            returnSlot(job.id(), itemId, gold);
            return Optional.empty();
        }
        return Optional.of(new Task(id, job.id(), job.title(), job.instructions(), job.labels(), parse(data.get()),
                job.rewardMinor(), expires));
    }

    /** Gives a slot back to the pool (lease released, expired, or refused). */
    public void returnSlot(long jobId, long itemId, boolean gold) {
        scripts.evalLong("return_slot", new String[]{meta(jobId), open(jobId)}, String.valueOf(itemId), gold ? "1" : "0");
    }

    /** Drops an item from the open pool (e.g. its confidence target is met). */
    public void closeItem(long jobId, long itemId) {
        redis().zrem(open(jobId), String.valueOf(itemId));
    }

    public long openItems(long jobId) {
        Long n = redis().zcard(open(jobId));
        return n == null ? 0 : n;
    }

    /**
     * Rebuilds one job's Redis state from Postgres: after publish, a Redis flush or restart. Guarded by a Redis lock so
     * that one process rebuilds at a time; the meta key is written last, so claims wait for a complete state.
     */
    public void rebuild(long jobId) {
        String lockKey = "gf:j:" + jobId + ":rebuild";
        String token = UUID.randomUUID().toString();
        if (!"OK".equals(redis().set(lockKey, token, SetArgs.Builder.nx().px(60_000)))) {
            return;
        }
        try {
            if (redis().exists(meta(jobId)) > 0) {
                return; // another process finished a rebuild meanwhile
            }
            Optional<JobRow> found = publishedJob(jobId);
            if (found.isEmpty()) {
                return;
            }
            JobRow job = found.get();
            record State(List<ScoredValue<String>> open, List<String> golds, Map<Long, List<String>> seen, long goldUsed) {
            }
            State state = db.tx(c -> {
                List<ScoredValue<String>> openItems = Db.list(c, rs -> ScoredValue.just(rs.getLong(2), rs.getString(1)),
                        "SELECT i.id, count(a.id) FROM item i LEFT JOIN assignment a ON a.item_id = i.id AND a.status IN " + LIVE
                                + " WHERE i.job_id = ? AND NOT i.is_gold GROUP BY i.id HAVING count(a.id) < ?", jobId, job.overlap());
                List<String> goldItems = Db.list(c, rs -> rs.getString(1), "SELECT id FROM item WHERE job_id = ? AND is_gold", jobId);
                Map<Long, List<String>> seenSets = new HashMap<>();
                Db.list(c, rs -> seenSets.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2)),
                        "SELECT worker_id, item_id FROM assignment WHERE job_id = ?", jobId);
                long goldUsed = Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold AND status IN " + LIVE, jobId);
                return new State(openItems, goldItems, seenSets, goldUsed);
            });
            RedisCommands<String, String> r = redis();
            r.del(open(jobId), golds(jobId));
            deleteSeenSets(jobId);
            for (int from = 0; from < state.open().size(); from += 1000) {
                List<ScoredValue<String>> chunk = state.open().subList(from, Math.min(state.open().size(), from + 1000));
                r.zadd(open(jobId), chunk.toArray(new ScoredValue[0]));
            }
            for (int from = 0; from < state.golds().size(); from += 1000) {
                r.sadd(golds(jobId), state.golds().subList(from, Math.min(state.golds().size(), from + 1000)).toArray(new String[0]));
            }
            state.seen().forEach((worker, items) -> r.sadd(seen(jobId, worker), items.toArray(new String[0])));
            r.hset(meta(jobId), Map.of("overlap", String.valueOf(job.overlap()),
                    "goldLeft", String.valueOf(Math.max(0, job.goldTaskBudget() - state.goldUsed()))));
            LOG.info("matching state of job {} rebuilt: {} open items, {} golds, {} workers", jobId, state.open().size(),
                    state.golds().size(), state.seen().size());
        } finally {
            if (token.equals(redis().get(lockKey))) {
                redis().del(lockKey);
            }
        }
    }

    /** Removes a job from matching (completed or cancelled). */
    public void unload(long jobId) {
        redis().del(meta(jobId), open(jobId), golds(jobId));
        deleteSeenSets(jobId);
    }

    private void deleteSeenSets(long jobId) {
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches("gf:j:" + jobId + ":seen:*").limit(1000);
        do {
            var page = redis().scan(cursor, args);
            if (!page.getKeys().isEmpty()) {
                redis().del(page.getKeys().toArray(new String[0]));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private void ensureWorkerMayWork(long workerId) {
        boolean blocked = db.tx(c -> Db.one(c, rs -> rs.getBoolean(1), "SELECT blocked FROM app_user WHERE id = ?", workerId).orElse(true));
        if (blocked) {
            throw ApiException.forbidden("this worker account is blocked");
        }
    }

    private static final String JOB_SELECT = "SELECT id, title, instructions, labels, reward_minor, fee_bps, overlap_max, gold_rate, gold_task_budget FROM job ";

    private static JobRow mapJob(java.sql.ResultSet rs) throws SQLException {
        long reward = rs.getLong("reward_minor");
        return new JobRow(rs.getLong("id"), rs.getString("title"), rs.getString("instructions"),
                Arrays.asList((String[]) rs.getArray("labels").getArray()), reward,
                io.goldfinch.ledger.LedgerRules.feeMinor(reward, rs.getInt("fee_bps")), rs.getInt("overlap_max"),
                rs.getDouble("gold_rate"), rs.getLong("gold_task_budget"));
    }

    Optional<JobRow> publishedJob(long jobId) {
        return db.tx(c -> publishedJob(c, jobId));
    }

    static Optional<JobRow> publishedJob(Connection c, long jobId) throws SQLException {
        return Db.one(c, MatchingService::mapJob, JOB_SELECT + "WHERE id = ? AND status = 'PUBLISHED'", jobId);
    }

    List<JobRow> publishedJobs() {
        return db.tx(c -> Db.list(c, MatchingService::mapJob, JOB_SELECT + "WHERE status = 'PUBLISHED' ORDER BY id"));
    }

    private Map<String, Object> parse(String data) {
        try {
            return json.readValue(data, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
