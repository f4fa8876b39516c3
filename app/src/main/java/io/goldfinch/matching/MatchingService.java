package io.goldfinch.matching;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    record JobRow(long id, long requesterId, String title, String instructions, List<String> labels, long rewardMinor,
                  long feeMinor, int overlapMin, int overlap, double goldRate, long goldTaskBudget, int priority,
                  Eligibility.Requirements requirements, @io.micronaut.core.annotation.Nullable java.time.Instant deadline) {
    }

    private final Db db;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisScripts scripts;
    private final Clock clock;
    private final RandomGenerator random;
    private final JsonMapper json;
    private final Duration lease;
    private final LeaseStore leases;
    private final JobTuning jobTuning;
    private final Duration reconcilePause;
    /** How long a claim waits for a rebuild (goldfinch.rebuild-wait); not final so that a test can lengthen it. */
    Duration rebuildWait;

    public MatchingService(Db db, StatefulRedisConnection<String, String> connection, RedisScripts scripts, Clock clock,
                           RandomGenerator random, JsonMapper json, @Value("${goldfinch.lease-seconds:600}") long leaseSeconds,
                           LeaseStore leases, @Value("${goldfinch.reconcile-page-pause:20ms}") Duration reconcilePause,
                           @Value("${goldfinch.rebuild-wait:2s}") Duration rebuildWait, JobTuning jobTuning) {
        this.jobTuning = jobTuning;
        this.reconcilePause = reconcilePause;
        this.rebuildWait = checkRebuildWait(rebuildWait);
        this.db = db;
        this.leases = leases;
        this.connection = connection;
        this.scripts = scripts;
        this.clock = clock;
        this.random = random;
        this.json = json;
        this.lease = Duration.ofSeconds(leaseSeconds);
    }

    String meta(long job) {
        return prefix() + job + ":meta";
    }

    String open(long job) {
        return prefix() + job + ":open";
    }

    String golds(long job) {
        return prefix() + job + ":golds";
    }

    String seen(long job, long worker) {
        return prefix() + job + ":seen:" + worker;
    }

    /** "gf:{deployment}:j:" — the deployment id (V12) keeps a recreated database from meeting stale Redis state. */
    private String prefix() {
        String p = keyPrefix;
        if (p == null) {
            String id = db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT id::text FROM deployment").orElseThrow());
            p = "gf:" + id.substring(0, 8) + ":j:";
            keyPrefix = p;
        }
        return p;
    }

    private volatile String keyPrefix;

    String slots(long job) {
        return prefix() + job + ":slots";
    }

    String caps(long job) {
        return prefix() + job + ":caps";
    }

    String scores(long job) {
        return prefix() + job + ":scores";
    }

    /** Per item: the answers counted by the last cap and score Redis applied (kept in Redis only, rebuilt with the rest). */
    String answered(long job) {
        return prefix() + job + ":answered";
    }

    private String[] itemKeys(long job) {
        return new String[]{meta(job), open(job), slots(job), caps(job), scores(job), answered(job)};
    }

    private RedisCommands<String, String> redis() {
        return connection.sync();
    }

    /** The next task for this worker, from the given job or from any published job; empty when none is available. */
    public Optional<Task> next(long workerId, Long jobId) {
        return next(workerId, jobId, rebuildWait);
    }

    /**
     * As {@link #next(long, Long)}, waiting at most {@code rebuildWait} for a job whose state is being rebuilt. The next
     * task leased with an answer does not wait at all ({@link Duration#ZERO}): the answer, already stored, returns at
     * once without a task, and the client's own request for one waits (and is told to retry) instead.
     */
    public Optional<Task> next(long workerId, Long jobId, Duration rebuildWait) {
        Eligibility.Worker worker = workerProfile(workerId);
        if (worker.blocked()) {
            throw ApiException.forbidden("this worker account is blocked");
        }
        List<JobRow> jobs;
        if (jobId != null) {
            JobRow job = publishedJobs().stream().filter(j -> j.id() == jobId).findFirst()
                    .or(() -> publishedJob(jobId)).orElseThrow(() -> notOpen(jobId));
            Optional<String> refusal = Eligibility.check(worker, job.requirements(), usage(workerId, job));
            if (refusal.isPresent()) {
                throw ApiException.forbidden("not eligible for this job: " + refusal.get());
            }
            jobs = List.of(job);
        } else {
            jobs = JobChoice.order(publishedJobs().stream()
                    .map(j -> new JobChoice.Candidate<>(j, j.requesterId(), j.priority(), j.rewardMinor())).toList(), random);
        }
        ApiException unavailable = null;
        for (JobRow job : jobs) {
            Eligibility.Usage usage = usage(workerId, job);
            if (jobId == null && Eligibility.check(worker, job.requirements(), usage).isPresent()) {
                continue;
            }
            Optional<Task> task;
            try {
                // During a job's exam, only its golds are served (openly: the exam is a known training phase).
                task = Eligibility.inExam(job.requirements(), usage) ? claim(job, workerId, true, rebuildWait)
                        : claimIn(job, workerId, rebuildWait);
            } catch (ApiException e) {
                if (jobId != null || e.status() != io.micronaut.http.HttpStatus.SERVICE_UNAVAILABLE) {
                    throw e;
                }
                unavailable = e; // this job's state is being rebuilt: another job may have a task meanwhile
                continue;
            }
            if (task.isPresent()) {
                return task;
            }
        }
        if (unavailable != null) {
            throw unavailable; // no task elsewhere, but there may be one here shortly: "retry later", not "no task"
        }
        return Optional.empty();
    }

    private ApiException notOpen(long jobId) {
        String status = db.tx(c -> Db.one(c, rs -> rs.getString(1) + ":" + rs.getString(2), "SELECT status, pause_reason FROM job WHERE id = ?", jobId)
                .orElse(null));
        if ("PAUSED:OWNER".equals(status)) {
            return ApiException.conflict("job-paused", "this job is paused by its requester");
        }
        if (status != null && status.startsWith("PAUSED")) {
            return ApiException.conflict("job-paused", "this job is paused until its requester tops up its escrow");
        }
        return ApiException.notFound("job");
    }

    /** The published jobs this worker may take tasks from, in the order they would be offered. */
    List<JobRow> eligibleJobs(long workerId) {
        Eligibility.Worker worker = workerProfile(workerId);
        return publishedJobs().stream().filter(j -> Eligibility.check(worker, j.requirements(), usage(workerId, j)).isEmpty()).toList();
    }

    /**
     * Keeps a stored answer's time where its job has a speed limit ({@link Pace}); nothing for other jobs. Jobs are read
     * from the cached published list: an answer to a paused job's lease is not timed.
     */
    void answered(long jobId, java.util.UUID assignmentId) {
        boolean paced = publishedJobs().stream().anyMatch(j -> j.id() == jobId && j.requirements().hasSpeedLimit());
        if (paced) {
            db.tx(c -> {
                Pace.record(c, assignmentId);
                return null;
            });
        }
    }

    /** A running job the worker has answered in and may take no more tasks from, and why. */
    @io.micronaut.serde.annotation.Serdeable
    public record ClosedJob(long id, String title, String reason) {
    }

    /**
     * The published jobs this worker has answered in that are now closed to him (a stopping rule, a cap, a failed
     * exam...), with the reason: a worker is told why a job left his list instead of seeing it vanish.
     */
    List<ClosedJob> closedJobs(long workerId) {
        Eligibility.Worker worker = workerProfile(workerId);
        List<JobRow> jobs = publishedJobs();
        if (jobs.isEmpty()) {
            return List.of();
        }
        Long[] ids = jobs.stream().map(JobRow::id).toArray(Long[]::new);
        java.util.Set<Long> worked = new java.util.HashSet<>(db.tx(c -> Db.list(c, rs -> rs.getLong(1),
                "SELECT j FROM unnest(?::bigint[]) j WHERE EXISTS (SELECT 1 FROM assignment a WHERE a.worker_id = ? AND a.job_id = j AND a.submitted_at IS NOT NULL)",
                c.createArrayOf("bigint", ids), workerId)));
        List<ClosedJob> closed = new java.util.ArrayList<>();
        for (JobRow j : jobs) {
            if (worked.contains(j.id())) {
                Eligibility.check(worker, j.requirements(), usage(workerId, j)).ifPresent(reason -> closed.add(new ClosedJob(j.id(), j.title(), reason)));
            }
        }
        return closed;
    }

    /**
     * The worker's eligibility facts, cached for a second per worker: a claim-heavy path reads them on every request,
     * and a block or a new skill taking effect within a second is soon enough (Postgres re-checks every lease anyway).
     */
    Eligibility.Worker workerProfile(long workerId) {
        long now = System.nanoTime();
        CachedWorker cached = workerCache.get(workerId);
        if (cached != null && now - cached.loadedAtNanos() < JOB_CACHE_NANOS) {
            return cached.worker();
        }
        Eligibility.Worker worker = loadWorkerProfile(workerId);
        if (workerCache.size() > 100_000) {
            workerCache.clear();
        }
        workerCache.put(workerId, new CachedWorker(worker, now));
        return worker;
    }

    /**
     * Counts a gold answer the worker just gave in his cached profile, so that his next claim (within the cache's
     * second) already sees it: a minimum accuracy stops him at once. No database read: a claim after a gold costs
     * what a claim after a normal answer does.
     */
    void goldAnswered(long workerId, boolean correct) {
        workerCache.computeIfPresent(workerId, (id, c) -> new CachedWorker(new Eligibility.Worker(c.worker().blocked(), c.worker().skills(),
                c.worker().goldAnswered() + 1, c.worker().goldCorrect() + (correct ? 1 : 0)), c.loadedAtNanos()));
    }

    private record CachedWorker(Eligibility.Worker worker, long loadedAtNanos) {
    }

    private final java.util.concurrent.ConcurrentHashMap<Long, CachedWorker> workerCache = new java.util.concurrent.ConcurrentHashMap<>();

    /** One statement, so without a transaction: one round trip instead of two (the statement, then its commit). */
    private Eligibility.Worker loadWorkerProfile(long workerId) {
        return db.autocommit(c -> Db.one(c, rs -> new Eligibility.Worker(rs.getBoolean(1), java.util.Set.of((String[]) rs.getArray(2).getArray()),
                                rs.getLong(3), rs.getLong(4)),
                        "SELECT u.blocked, u.skills, COALESCE(s.gold_answered, 0), COALESCE(s.gold_correct, 0) FROM app_user u "
                                + "LEFT JOIN worker_gold_stats s ON s.worker_id = u.id WHERE u.id = ?", workerId)
                .orElseThrow(() -> ApiException.notFound("worker")));
    }

    /** What the worker already did in this job, read only when the job has caps, an exam or a speed limit. */
    private Eligibility.Usage usage(long workerId, JobRow job) {
        Eligibility.Requirements req = job.requirements();
        long tasks = 0;
        long today = 0;
        if (req.maxTasks() != null || req.maxTasksPerDay() != null) {
            Instant dayAgo = clock.instant().minus(Duration.ofDays(1));
            long[] counts = db.autocommit(c -> Db.one(c, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                    "SELECT count(*), count(*) FILTER (WHERE leased_at > ?) FROM assignment WHERE worker_id = ? AND job_id = ? "
                            + "AND status IN " + LIVE, Timestamp.from(dayAgo), workerId, job.id()).orElseThrow());
            tasks = counts[0];
            today = counts[1];
        }
        long examAnswered = 0;
        long examCorrect = 0;
        if (req.examSize() > 0) {
            long[] exam = db.autocommit(c -> Db.one(c, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                    "SELECT count(*), count(*) FILTER (WHERE gold_correct) FROM (SELECT gold_correct FROM assignment "
                            + "WHERE worker_id = ? AND job_id = ? AND is_gold AND gold_correct IS NOT NULL AND status IN ('SUBMITTED','ACCEPTED','REJECTED') "
                            + "ORDER BY submitted_at, id LIMIT ?) exam", workerId, job.id(), req.examSize()).orElseThrow());
            examAnswered = exam[0];
            examCorrect = exam[1];
        }
        double median = Double.NaN;
        if (req.hasSpeedLimit()) {
            // As the what-if replay counts time: from lease to answer, over the worker's latest answers in the job.
            median = db.tx(c -> Pace.recentMedian(c, job.id(), workerId, req.speedWindow()));
        }
        return new Eligibility.Usage(tasks, today, examAnswered, examCorrect, median);
    }

    private Optional<Task> claimIn(JobRow job, long workerId, Duration rebuildWait) {
        boolean wantGold = job.goldRate() > 0 && random.nextDouble() < job.goldRate();
        if (wantGold) {
            Optional<Task> gold = claim(job, workerId, true, rebuildWait);
            if (gold.isPresent()) {
                return gold;
            }
        }
        return claim(job, workerId, false, rebuildWait);
    }

    private Optional<Task> claim(JobRow job, long workerId, boolean gold, Duration rebuildWait) {
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            long item = takeInRedis(job, workerId, gold);
            if (item == -1) {
                Rebuild outcome = rebuildForClaim(job.id(), rebuildWait);
                if (outcome == Rebuild.NOT_PUBLISHED) {
                    return Optional.empty();
                }
                if (outcome != Rebuild.DONE) {
                    throw ApiException.unavailable("matching-state-rebuilding",
                            "this job's task pool is being rebuilt from the database; retry in a few seconds");
                }
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

    /**
     * A next task taken in Redis whose lease is still to be written: the lease (the claim for {@link LeaseStore}) and
     * what the task will show once Postgres grants it.
     */
    record Prepared(JobRow job, LeaseStore.Claim claim) {
    }

    /** The task of a prepared lease that Postgres granted, with the item's {@code data}. */
    Task granted(Prepared p, String data) {
        JobRow job = p.job();
        return new Task(p.claim().id(), job.id(), job.title(), job.instructions(), job.labels(), parse(data), job.rewardMinor(), p.claim().expires());
    }

    /**
     * The worker's next task taken in Redis only, for a lease written in the same transaction as the answer that asks
     * for it (the answer first): empty whenever {@link #next} would have to do more than one claim in Redis and one
     * lease, or when what the answer changes could change the choice. So: no job with an exam or a speed limit (an
     * answer changes where the worker stands in either), no job whose pool is being rebuilt; the caller falls back to
     * {@link #next} for those, as for a gold answer (which changes the worker's gold record) and a refused lease. The
     * caller writes the lease or gives the slot back: {@link #returnSlot} after Postgres refused it, {@link #unprepare}
     * when it was never asked of Postgres.
     */
    Optional<Prepared> prepare(long workerId, Long jobId) {
        Eligibility.Worker worker = workerProfile(workerId);
        if (worker.blocked()) {
            return Optional.empty();
        }
        List<JobRow> jobs;
        if (jobId != null) {
            Optional<JobRow> job = publishedJobs().stream().filter(j -> j.id() == jobId).findFirst();
            if (job.isEmpty()) {
                return Optional.empty();
            }
            jobs = List.of(job.get());
        } else {
            jobs = JobChoice.order(publishedJobs().stream()
                    .map(j -> new JobChoice.Candidate<>(j, j.requesterId(), j.priority(), j.rewardMinor())).toList(), random);
        }
        for (JobRow job : jobs) {
            Eligibility.Requirements req = job.requirements();
            if (req.examSize() > 0 || req.hasSpeedLimit()) {
                return Optional.empty();
            }
            if (Eligibility.check(worker, req, usage(workerId, job)).isPresent()) {
                if (jobId != null) {
                    return Optional.empty(); // next() explains the refusal
                }
                continue;
            }
            boolean gold = job.goldRate() > 0 && random.nextDouble() < job.goldRate();
            long item = gold ? takeInRedis(job, workerId, true) : 0;
            if (item == 0) {
                gold = false;
                item = takeInRedis(job, workerId, false);
            }
            if (item == -1) {
                return Optional.empty(); // the pool is being rebuilt: next() waits or says so
            }
            if (item > 0) {
                Instant now = clock.instant();
                return Optional.of(new Prepared(job, new LeaseStore.Claim(UUID.randomUUID(), job.id(), item, workerId, gold, job.rewardMinor(),
                        job.feeMinor(), now, now.plus(lease), gold ? job.goldTaskBudget() : (long) job.overlap())));
            }
        }
        return Optional.empty();
    }

    /** One claim in Redis: the item taken, 0 when there is none for this worker, -1 when the job's state is not in Redis. */
    private long takeInRedis(JobRow job, long workerId, boolean gold) {
        return gold
                ? scripts.evalLong("claim_gold", new String[]{meta(job.id()), golds(job.id()), seen(job.id(), workerId)},
                String.valueOf(random.nextInt(Integer.MAX_VALUE)))
                : scripts.evalLong("claim_item", new String[]{meta(job.id()), open(job.id()), seen(job.id(), workerId),
                slots(job.id()), caps(job.id())}, String.valueOf(SCAN_LIMIT));
    }

    /** Writes the lease to Postgres after re-checking the promises there; on refusal, returns the Redis slot. */
    private Optional<Task> record(JobRow job, long workerId, long itemId, boolean gold) {
        Instant now = clock.instant();
        Instant expires = now.plus(lease);
        UUID id = UUID.randomUUID();
        // The checks and the insert run in one database function (claim_lease), in a group with concurrent claims.
        Optional<String> data = leases.claim(new LeaseStore.Claim(id, job.id(), itemId, workerId, gold, job.rewardMinor(), job.feeMinor(),
                now, expires, gold ? job.goldTaskBudget() : (long) job.overlap()));
        if (data.isEmpty()) {
            // Postgres refused: Redis was stale for this item. Give the slot back; the item stays in the worker's seen-set.
            returnSlot(job.id(), itemId, gold);
            return Optional.empty();
        }
        return Optional.of(new Task(id, job.id(), job.title(), job.instructions(), job.labels(), parse(data.get()),
                job.rewardMinor(), expires));
    }

    /** Gives back the slot of a prepared lease that was never asked of Postgres: the worker may be served the item again. */
    void unprepare(Prepared p) {
        String[] keys = java.util.Arrays.copyOf(itemKeys(p.job().id()), 7);
        keys[6] = seen(p.job().id(), p.claim().workerId());
        scripts.evalLong("return_slot", keys, String.valueOf(p.claim().itemId()), p.claim().gold() ? "1" : "0");
    }

    /** Gives a slot back to the pool (lease released, expired, or refused). */
    public void returnSlot(long jobId, long itemId, boolean gold) {
        scripts.evalLong("return_slot", itemKeys(jobId), String.valueOf(itemId), gold ? "1" : "0");
    }

    /**
     * After an answer: the item's new cap (0 when it closed) and serving score, decided on {@code answers} answers.
     * Answers to one item commit one after another but their updates reach Redis in any order; an update decided on
     * fewer answers than one already applied is stale and ignored, so a closed item is never reopened by it.
     * Returns false when it was ignored (or the job is not loaded).
     */
    public boolean updateItem(long jobId, long itemId, int cap, double score, int answers) {
        return scripts.evalLong("update_item", itemKeys(jobId), updateArgs(itemId, cap, score, answers)) == 1;
    }

    private static String[] updateArgs(long itemId, int cap, double score, int answers) {
        return new String[]{String.valueOf(itemId), String.valueOf(cap), String.valueOf(score), String.valueOf(answers)};
    }

    /**
     * {@link #updateItem} without waiting for Redis: the answer's response does not wait for it (so an answer to a
     * normal item takes no longer than one to a gold, which updates nothing there), and the worker's next claim, sent
     * after it on the same connection, runs after it. A failure is logged; reconcile repairs what it left behind.
     */
    public void updateItemLater(long jobId, long itemId, int cap, double score, int answers) {
        scripts.evalLongLater("update_item", itemKeys(jobId), updateArgs(itemId, cap, score, answers)).whenComplete((applied, error) -> {
                    if (error != null) {
                        LOG.warn("job {}: Redis missed item {}'s new cap ({}); reconcile will repair it", jobId, itemId, error.toString());
                    }
                });
    }

    public long openItems(long jobId) {
        Long n = redis().zcard(open(jobId));
        return n == null ? 0 : n;
    }

    /**
     * Rebuilds one job's Redis state from Postgres: after publish, a Redis flush or restart. Guarded by a Redis lock so
     * that one process rebuilds at a time; the meta key is written last, so claims wait for a complete state.
     * <p>
     * Page by page: each page of items is read (with the workers who have it, for their seen-sets) and written to Redis,
     * the next page being read while one is written, so memory holds two pages whatever the job's size, and no
     * transaction stays open.
     */
    public Rebuild rebuild(long jobId) {
        jobsChanged();
        String lockKey = rebuildLock(jobId);
        String token = UUID.randomUUID().toString();
        if (!"OK".equals(redis().set(lockKey, token, SetArgs.Builder.nx().px(REBUILD_LOCK.toMillis())))) {
            return Rebuild.ELSEWHERE;
        }
        // A large job can take longer than the lock lives: the lock is extended at every page, and a rebuild that finds
        // it gone stops before writing the meta key (another process is rebuilding the job). What it wrote before that
        // is Postgres' state too, and the new holder writes every item again.
        Runnable keepLock = () -> {
            rebuildPageHook.run();
            if (scripts.evalLong("extend_lock", new String[]{lockKey}, token, String.valueOf(REBUILD_LOCK.toMillis())) != 1) {
                throw new LostRebuildLock();
            }
        };
        try {
            if (redis().exists(meta(jobId)) > 0) {
                return Rebuild.DONE; // another process finished a rebuild meanwhile
            }
            long startedNanos = System.nanoTime();
            Optional<JobRow> found = publishedJob(jobId);
            if (found.isEmpty()) {
                return Rebuild.NOT_PUBLISHED;
            }
            JobRow job = found.get();
            RedisCommands<String, String> r = redis();
            r.del(open(jobId), golds(jobId), slots(jobId), caps(jobId), scores(jobId), answered(jobId));
            deleteSeenSets(jobId);
            long open = 0;
            long items = 0;
            Set<Long> workers = new HashSet<>();
            // The next page is read from PostgreSQL while this one is written to Redis, and a page's writes go to Redis
            // together (one round of the pipeline): about 7 ms of query and 20 ms of writes a page, overlapped.
            List<ItemState> page;
            CompletableFuture<List<ItemState>> reading = readPage(job, 0);
            do {
                page = joined(reading);
                if (page.isEmpty()) {
                    break;
                }
                if (page.size() == ITEM_PAGE) {
                    reading = readPage(job, Long.parseLong(page.get(page.size() - 1).id()));
                }
                keepLock.run();
                items += page.size();
                Map<String, String> slotMap = new HashMap<>();
                Map<String, String> capMap = new HashMap<>();
                Map<String, String> scoreMap = new HashMap<>();
                Map<String, String> answeredMap = new HashMap<>();
                List<ScoredValue<String>> claimable = new ArrayList<>();
                for (ItemState item : page) {
                    slotMap.put(item.id(), String.valueOf(item.used()));
                    capMap.put(item.id(), String.valueOf(item.cap()));
                    scoreMap.put(item.id(), String.valueOf(item.score()));
                    answeredMap.put(item.id(), String.valueOf(item.answers()));
                    if (item.used() < item.cap()) {
                        claimable.add(ScoredValue.just(item.score(), item.id()));
                    }
                }
                var async = connection.async();
                List<RedisFuture<?>> sent = new ArrayList<>();
                sent.add(async.hset(slots(jobId), slotMap));
                sent.add(async.hset(caps(jobId), capMap));
                sent.add(async.hset(scores(jobId), scoreMap));
                sent.add(async.hset(answered(jobId), answeredMap));
                if (!claimable.isEmpty()) {
                    sent.add(async.zadd(open(jobId), claimable.toArray(new ScoredValue[0])));
                    open += claimable.size();
                }
                addToSeenSets(jobId, page, workers, sent);
                awaitPage(jobId, sent);
            } while (page.size() == ITEM_PAGE);
            // Golds in id order (a sorted set scored by id), so that claim_gold picks one by position in O(log n).
            long golds = 0;
            long after = 0;
            do {
                keepLock.run();
                long from = after;
                page = db.tx(c -> goldStates(c, jobId, from, ITEM_PAGE));
                if (page.isEmpty()) {
                    break;
                }
                after = Long.parseLong(page.get(page.size() - 1).id());
                golds += page.size();
                List<RedisFuture<?>> sent = new ArrayList<>();
                sent.add(connection.async().zadd(golds(jobId),
                        page.stream().map(g -> ScoredValue.just(Double.parseDouble(g.id()), g.id())).toArray(ScoredValue[]::new)));
                addToSeenSets(jobId, page, workers, sent);
                awaitPage(jobId, sent);
            } while (page.size() == ITEM_PAGE);
            long goldUsed = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold AND status IN " + LIVE, jobId));
            keepLock.run();
            r.hset(meta(jobId), Map.of("overlapMin", String.valueOf(job.overlapMin()), "overlapMax", String.valueOf(job.overlap()),
                    "goldLeft", String.valueOf(Math.max(0, job.goldTaskBudget() - goldUsed))));
            LOG.info("matching state of job {} rebuilt in {} ms: {} items ({} claimable), {} golds, {} workers", jobId,
                    (System.nanoTime() - startedNanos) / 1_000_000, items, open, golds, workers.size());
            return Rebuild.DONE;
        } catch (LostRebuildLock e) {
            // Claims keep waiting for the meta key, which the process that holds the lock writes when it is done.
            LOG.warn("job {}: the rebuild lock expired or was taken over; leaving the rebuild to its holder", jobId);
            return Rebuild.ELSEWHERE;
        } finally {
            scripts.evalLong("release_lock", new String[]{lockKey}, token);
        }
    }

    /** Sends a page's items to the seen-sets of the workers who have them: one SADD per worker, added to {@code sent}. */
    private void addToSeenSets(long jobId, List<ItemState> page, Set<Long> workers, List<RedisFuture<?>> sent) {
        Map<Long, List<String>> byWorker = new HashMap<>();
        for (ItemState item : page) {
            for (long worker : item.workers()) {
                byWorker.computeIfAbsent(worker, w -> new ArrayList<>()).add(item.id());
            }
        }
        workers.addAll(byWorker.keySet());
        byWorker.forEach((worker, ids) -> sent.add(connection.async().sadd(seen(jobId, worker), ids.toArray(new String[0]))));
    }

    /** Waits for a page's writes to Redis; a write that failed fails the rebuild (its lock is released, the meta key unwritten). */
    private static void awaitPage(long jobId, List<RedisFuture<?>> sent) {
        if (!LettuceFutures.awaitAll(REBUILD_LOCK, sent.toArray(new RedisFuture[0]))) {
            throw new IllegalStateException("job " + jobId + ": Redis did not take a page of the rebuild within " + REBUILD_LOCK);
        }
    }

    /** Reads the job's page of items after {@code afterId} on another thread (a rebuild reads ahead while it writes). */
    private CompletableFuture<List<ItemState>> readPage(JobRow job, long afterId) {
        return CompletableFuture.supplyAsync(() -> db.tx(c -> itemStates(c, job, afterId, ITEM_PAGE, null, true)), rebuilder);
    }

    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** A claim's wait for a rebuild: 0 (answer 503 at once) to 30 s (a worker's request should not hang longer). */
    static Duration checkRebuildWait(Duration wait) {
        if (wait.isNegative() || wait.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("goldfinch.rebuild-wait must be 0 to 30s, got " + wait);
        }
        return wait;
    }

    /** What a call of {@link #rebuild} found: the state is complete, another process is writing it, or the job is not published. */
    public enum Rebuild { DONE, ELSEWHERE, NOT_PUBLISHED }

    /**
     * For a claim that found the job's state missing: starts this process's rebuild of the job in the background (or
     * joins the one running) and waits up to {@code goldfinch.rebuild-wait} for the state. DONE when it is complete,
     * NOT_PUBLISHED, or ELSEWHERE when it is still being written, here or by another process (whose meta key is then
     * waited for). The claim's own thread never does the rebuild: a job of 600,000 items takes about 10 s, which would
     * hold one worker's request, and a server thread, that long while every other worker was told to come back.
     */
    Rebuild rebuildForClaim(long jobId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        CompletableFuture<Rebuild> running = rebuilding.compute(jobId, (id, current) -> current != null && !current.isDone()
                ? current : CompletableFuture.supplyAsync(() -> rebuild(id), rebuilder));
        Rebuild outcome;
        try {
            outcome = running.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Rebuild.ELSEWHERE; // still being written by this process; the next claims join it
        } catch (ExecutionException e) {
            rebuilding.remove(jobId, running);
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Rebuild.ELSEWHERE;
        }
        rebuilding.remove(jobId, running);
        if (outcome == Rebuild.ELSEWHERE) {
            return awaitState(jobId, deadline) ? Rebuild.DONE : Rebuild.ELSEWHERE;
        }
        return outcome;
    }

    /** Rebuilds this process runs for claims, by job (at most one per job here; the Redis lock makes it one in all). */
    private final ConcurrentHashMap<Long, CompletableFuture<Rebuild>> rebuilding = new ConcurrentHashMap<>();
    private final ExecutorService rebuilder = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "goldfinch-rebuild");
        t.setDaemon(true);
        return t;
    });

    @PreDestroy
    void stopRebuilds() {
        rebuilder.shutdownNow();
    }

    /** Waits until {@code deadline} (System.nanoTime) for the job's meta key, written last by a complete rebuild. */
    private boolean awaitState(long jobId, long deadline) {
        while (redis().exists(meta(jobId)) == 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(REBUILD_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static final long REBUILD_POLL_MS = 50;

    String rebuildLock(long jobId) {
        return prefix() + jobId + ":rebuild";
    }

    /**
     * One item's matching state as Postgres sees it: slots used (answers + live leases), cap, serving score, answers, and
     * (for a rebuild) the workers who have an assignment on it, empty otherwise.
     */
    record ItemState(String id, int used, int cap, double score, int answers, long[] workers) {
    }

    private static final long[] NO_WORKERS = new long[0];

    /** The job's next {@code limit} golds in service (not retired) with ids above {@code afterId}, with the workers who have them. */
    private static List<ItemState> goldStates(Connection c, long jobId, long afterId, int limit) throws SQLException {
        return Db.list(c, rs -> new ItemState(rs.getString(1), 0, 0, 0, 0, workers(rs.getArray(2))),
                "WITH page AS (SELECT id FROM item WHERE job_id = ? AND is_gold AND id > ? AND gold_retired_at IS NULL ORDER BY id LIMIT " + limit + ") "
                        + "SELECT p.id, x.workers FROM page p CROSS JOIN LATERAL "
                        + "(SELECT array_agg(a.worker_id) AS workers FROM assignment a WHERE a.item_id = p.id) x ORDER BY p.id",
                jobId, afterId);
    }

    private static long[] workers(java.sql.Array array) throws SQLException {
        if (array == null) {
            return NO_WORKERS;
        }
        Object[] values = (Object[]) array.getArray();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = ((Number) values[i]).longValue();
        }
        return out;
    }

    private static final int ITEM_PAGE = 2000;

    /** The rebuild lock expired or was taken over: another process rebuilds the job, this one stops. */
    private static final class LostRebuildLock extends RuntimeException {
        LostRebuildLock() {
            super(null, null, false, false);
        }
    }
    /** How long the rebuild lock lives unless extended; each page read or written extends it. */
    private static final Duration REBUILD_LOCK = Duration.ofSeconds(60);
    /** Runs before each page of a rebuild (tests take the lock away here). */
    Runnable rebuildPageHook = () -> {
    };

    /** The states of the job's next {@code limit} items with ids above {@code afterId}, in id order (index item_job, V28). */
    /**
     * The states of the job's next {@code limit} items with ids above {@code afterId}, leaving out items closed before
     * {@code closedSince} (when given); with {@code withWorkers}, each with the workers who have an assignment on it.
     */
    private static List<ItemState> itemStates(Connection c, JobRow job, long afterId, int limit, Instant closedSince,
                                              boolean withWorkers) throws SQLException {
        // The page size is written into the statement rather than bound: with LIMIT as a parameter, the plan Postgres
        // keeps for the prepared statement (planned for an unknown, possibly large limit) read the job's whole item
        // table and sorted it for every page: 30 to 95 ms a page instead of 1 to 2 under the load benchmark.
        // The closed-since filter is a variant of its own for the same reason.
        List<Object> args = new ArrayList<>(List.of(job.id(), afterId));
        if (closedSince != null) {
            args.add(Timestamp.from(closedSince));
        }
        return Db.list(c, rs -> {
                    int answers = rs.getInt(2);
                    int used = answers + rs.getInt(3);
                    boolean closed = rs.getBoolean(4);
                    double confidence = rs.getDouble(5);
                    Double uncertainty = rs.getObject(6) == null ? null : rs.getDouble(6);
                    // Closing is decided on each answer and stored; an open item may take one answer beyond its minimum.
                    int cap = closed ? 0 : Math.min(job.overlap(), Math.max(job.overlapMin(), answers + 1));
                    return new ItemState(rs.getString(1), used, cap, OverlapPolicy.score(answers, job.overlapMin(), confidence, uncertainty),
                            answers, withWorkers ? workers(rs.getArray(7)) : NO_WORKERS);
                },
                // Counted per item (LATERAL, by the index on assignment(item_id, ...)): as a join, the planner hashed
                // the whole assignment table for every page, so a pass over a job grew with all answers ever stored.
                "WITH page AS (SELECT id, closed_at, posterior_confidence, model_uncertainty FROM item "
                        + "  WHERE job_id = ? AND NOT is_gold AND id > ? " + (closedSince == null ? "" : "AND (closed_at IS NULL OR closed_at >= ?) ")
                        + "  ORDER BY id LIMIT " + limit + ") "
                        + "SELECT p.id, x.answers, x.leased, p.closed_at IS NOT NULL, COALESCE(p.posterior_confidence, 0), p.model_uncertainty"
                        + (withWorkers ? ", x.workers " : " ")
                        + "FROM page p CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE a.status IN ('SUBMITTED','ACCEPTED','REJECTED')) AS answers, "
                        + "count(*) FILTER (WHERE a.status = 'LEASED') AS leased"
                        + (withWorkers ? ", array_agg(a.worker_id) AS workers" : "") + " FROM assignment a WHERE a.item_id = p.id) x "
                        + "ORDER BY p.id", args.toArray());
    }

    /**
     * Repairs a job's slot counts and caps in Redis from Postgres. A process that dies between its Redis claim and its
     * Postgres lease leaves a phantom slot that no sweeper will return; without repair the item could never reach its
     * overlap. One that dies between storing an answer and telling Redis leaves the item's old cap (still open after it
     * closed, or closed to an answer it may still take).
     * A difference is repaired only when it was already seen on the previous run, so claims in flight are left alone.
     * Moving Redis towards Postgres is always safe: Postgres re-checks every lease.
     * <p>
     * A pass reads the open items and the items closed since the start of the pass before the last completed one (less
     * a margin for answers still committing): an item closed at t is read by the first two passes that start after t,
     * enough to see a lost update twice and repair it; after that its cap can no longer go wrong, since a closed item takes
     * no more answers and a phantom slot on it changes nothing. Without a completed pass in memory (after a start) a pass
     * reads every item.
     */
    public int reconcile(long jobId) {
        return reconcile(jobId, Duration.ZERO);
    }

    /** As {@link #reconcile(long)}, pausing between pages so that a pass never holds up claims for long. */
    int reconcile(long jobId, Duration pauseBetweenPages) {
        if (redis().exists(meta(jobId)) == 0) {
            return 0; // rebuilt from Postgres on its next claim
        }
        Optional<JobRow> found = publishedJob(jobId);
        if (found.isEmpty()) {
            return 0;
        }
        JobRow job = found.get();
        java.util.Set<String> previously = suspects.getOrDefault(jobId, java.util.Set.of());
        java.util.Set<String> now = new java.util.HashSet<>();
        Instant started = clock.instant();
        long startedNanos = System.nanoTime();
        Instant[] passes = completedPasses.get(jobId);
        Instant closedSince = passes == null || passes[0] == null ? null : passes[0].minus(RECONCILE_MARGIN);
        int repaired = 0;
        long checked = 0;
        // Page by page, so that neither Postgres nor Redis (single-threaded: one HGETALL of a 200,000-item job held up
        // every claim) does the whole job in one go.
        long after = 0;
        List<ItemState> page;
        do {
            if (after > 0 && !pauseBetweenPages.isZero()) {
                try {
                    Thread.sleep(pauseBetweenPages.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return repaired; // not a completed pass
                }
            }
            long from = after;
            page = db.tx(c -> itemStates(c, job, from, RECONCILE_PAGE, closedSince, false));
            if (page.isEmpty()) {
                break;
            }
            checked += page.size();
            after = Long.parseLong(page.get(page.size() - 1).id());
            String[] ids = page.stream().map(ItemState::id).toArray(String[]::new);
            List<io.lettuce.core.KeyValue<String, String>> slotsInRedis = redis().hmget(slots(jobId), ids);
            List<io.lettuce.core.KeyValue<String, String>> capsInRedis = redis().hmget(caps(jobId), ids);
            for (int k = 0; k < page.size(); k++) {
                ItemState item = page.get(k);
                int inRedis = Integer.parseInt(slotsInRedis.get(k).getValueOrElse("0"));
                int capInRedis = Integer.parseInt(capsInRedis.get(k).getValueOrElse("0"));
                // Slots: a claim that never reached Postgres. Cap: an answer whose Redis update was lost, which would
                // leave a closed item open there (every worker's next claim of it refused by Postgres, once each).
                if (inRedis == item.used() && capInRedis == item.cap()) {
                    continue;
                }
                if (!previously.contains(item.id())) {
                    now.add(item.id());
                    continue;
                }
                redis().hset(slots(jobId), item.id(), String.valueOf(item.used()));
                redis().hset(caps(jobId), item.id(), String.valueOf(item.cap()));
                redis().hset(scores(jobId), item.id(), String.valueOf(item.score()));
                redis().hset(answered(jobId), item.id(), String.valueOf(item.answers()));
                if (item.used() < item.cap()) {
                    redis().zadd(open(jobId), item.score(), item.id());
                } else {
                    redis().zrem(open(jobId), item.id());
                }
                repaired++;
            }
        } while (page.size() == RECONCILE_PAGE);
        repaired += syncGolds(jobId);
        suspects.put(jobId, now);
        completedPasses.put(jobId, new Instant[]{passes == null ? null : passes[1], started});
        if (LOG.isDebugEnabled()) {
            LOG.debug("job {}: reconcile pass read {} items ({}) in {} ms from {}", jobId, checked,
                    closedSince == null ? "all" : "open or closed since " + closedSince, (System.nanoTime() - startedNanos) / 1_000_000, started);
        }
        lastReconcileChecked.put(jobId, checked);
        if (repaired > 0) {
            LOG.warn("job {}: repaired {} items' slot counts or caps in Redis from Postgres", jobId, repaired);
        }
        return repaired;
    }

    private final Map<Long, java.util.Set<String>> suspects = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per job, the start instants of the last two completed passes (older first; either may be null). */
    private final Map<Long, Instant[]> completedPasses = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, Long> lastReconcileChecked = new java.util.concurrent.ConcurrentHashMap<>();
    /** Longer than an answer can take from its timestamp to its commit (a group call gives up after 60 s). */
    private static final Duration RECONCILE_MARGIN = Duration.ofMinutes(5);
    /** Small pages: Redis answers nothing else while it looks up a page's slots and caps. */
    private static final int RECONCILE_PAGE = 500;

    /** How many items the job's last completed reconcile pass read. */
    long lastReconcileChecked(long jobId) {
        return lastReconcileChecked.getOrDefault(jobId, 0L);
    }

    @io.micronaut.scheduling.annotation.Scheduled(fixedDelay = "${goldfinch.reconcile-interval:60s}", initialDelay = "60s")
    void reconcileAll() {
        try {
            for (JobRow job : publishedJobs()) {
                reconcile(job.id(), reconcilePause);
            }
        } catch (RuntimeException e) {
            LOG.warn("reconcile failed: {}", e.toString());
        }
    }

    /**
     * Makes the job's gold set in Redis the golds in service in PostgreSQL: a retired gold leaves it, an added or restored
     * one joins it. Called after a gold is retired, restored or added, and by every reconcile pass (a rebuild that read
     * the golds just before such a change would otherwise put the old set back). A job not loaded in Redis is left to
     * its rebuild. Returns how many golds were added or removed.
     */
    public int syncGolds(long jobId) {
        if (redis().exists(meta(jobId)) == 0) {
            return 0;
        }
        Set<String> inService = new HashSet<>(db.tx(c -> Db.list(c, rs -> rs.getString(1),
                "SELECT id::text FROM item WHERE job_id = ? AND is_gold AND gold_retired_at IS NULL", jobId)));
        if ("set".equals(redis().type(golds(jobId)))) {
            return 0; // state written before golds were kept in order: the job's next rebuild brings it up to date
        }
        Set<String> inRedis = new HashSet<>(redis().zrange(golds(jobId), 0, -1));
        List<String> gone = inRedis.stream().filter(id -> !inService.contains(id)).toList();
        List<ScoredValue<String>> added = inService.stream().filter(id -> !inRedis.contains(id))
                .map(id -> ScoredValue.just(Double.parseDouble(id), id)).toList();
        if (!gone.isEmpty()) {
            redis().zrem(golds(jobId), gone.toArray(new String[0]));
        }
        if (!added.isEmpty()) {
            redis().zadd(golds(jobId), added.toArray(new ScoredValue[0]));
        }
        if (!gone.isEmpty() || !added.isEmpty()) {
            LOG.info("job {}: gold set in Redis brought up to date: {} golds out, {} in", jobId, gone.size(), added.size());
        }
        return gone.size() + added.size();
    }

    /** Removes a job from matching (completed or cancelled). */
    public void unload(long jobId) {
        jobsChanged();
        redis().del(meta(jobId), open(jobId), golds(jobId), slots(jobId), caps(jobId), scores(jobId), answered(jobId));
        deleteSeenSets(jobId);
    }

    private void deleteSeenSets(long jobId) {
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(prefix() + jobId + ":seen:*").limit(1000);
        do {
            var page = redis().scan(cursor, args);
            if (!page.getKeys().isEmpty()) {
                redis().del(page.getKeys().toArray(new String[0]));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static final String JOB_SELECT = "SELECT id, requester_id, title, instructions, labels, reward_minor, fee_bps, overlap_min, "
            + "overlap_max, gold_rate, gold_task_budget, priority, min_accuracy, required_skills, max_tasks_per_worker, "
            + "max_tasks_per_worker_per_day, exam_size, exam_pass_share, probation_golds, min_median_seconds, speed_window, deadline FROM job ";

    private static JobRow mapJob(java.sql.ResultSet rs) throws SQLException {
        long reward = rs.getLong("reward_minor");
        var requirements = new Eligibility.Requirements(rs.getDouble("min_accuracy"),
                java.util.Set.of((String[]) rs.getArray("required_skills").getArray()),
                (Integer) rs.getObject("max_tasks_per_worker"), (Integer) rs.getObject("max_tasks_per_worker_per_day"),
                rs.getInt("exam_size"), rs.getDouble("exam_pass_share"), rs.getInt("probation_golds"), rs.getDouble("min_median_seconds"),
                rs.getInt("speed_window"));
        return new JobRow(rs.getLong("id"), rs.getLong("requester_id"), rs.getString("title"), rs.getString("instructions"),
                Arrays.asList((String[]) rs.getArray("labels").getArray()), reward,
                io.goldfinch.ledger.LedgerRules.feeMinor(reward, rs.getInt("fee_bps")), rs.getInt("overlap_min"),
                rs.getInt("overlap_max"), rs.getDouble("gold_rate"), rs.getLong("gold_task_budget"), rs.getInt("priority"), requirements,
                rs.getTimestamp("deadline") == null ? null : rs.getTimestamp("deadline").toInstant());
    }

    Optional<JobRow> publishedJob(long jobId) {
        return db.tx(c -> publishedJob(c, jobId));
    }

    static Optional<JobRow> publishedJob(Connection c, long jobId) throws SQLException {
        return Db.one(c, MatchingService::mapJob, JOB_SELECT + "WHERE id = ? AND status = 'PUBLISHED'", jobId);
    }

    /** Published jobs, cached for a second: claims are frequent, job changes are rare and re-checked in Postgres. */
    List<JobRow> publishedJobs() {
        CachedJobs cached = jobCache;
        long now = System.nanoTime();
        if (cached != null && now - cached.loadedAtNanos() < JOB_CACHE_NANOS) {
            return cached.jobs();
        }
        List<JobRow> jobs = db.tx(c -> Db.list(c, MatchingService::mapJob, JOB_SELECT + "WHERE status = 'PUBLISHED' ORDER BY id"));
        jobCache = new CachedJobs(List.copyOf(jobs), now);
        return jobs;
    }

    /** Forgets cached job rows (after publish, completion or cancellation in this process). */
    public void jobsChanged() {
        jobCache = null;
        jobTuning.changed();
    }

    private record CachedJobs(List<JobRow> jobs, long loadedAtNanos) {
    }

    private static final long JOB_CACHE_NANOS = 1_000_000_000L;
    private volatile CachedJobs jobCache;

    private Map<String, Object> parse(String data) {
        try {
            return json.readValue(data, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
