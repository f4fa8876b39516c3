package io.goldfinch.matching.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load benchmark of the matching engine against a running Goldfinch on real PostgreSQL and Redis: simulated workers
 * with known accuracies (10% spammers), each on its own keep-alive connection driven by {@link HttpLoad}, claim a task
 * and submit an answer. After a warm-up that is not reported, it measures for a fixed time: claim+submit pairs per
 * second with p50/p99 latency of a pair, as fast as the workers can; the same concurrency against a trivial
 * authenticated endpoint (GET /api/me) in the same run; optionally claim+submit with each worker thinking between
 * tasks (an offered load below saturation, where latency means something); then it checks the invariants in
 * PostgreSQL.
 *
 * <p>Run: {@code ./goldfinch bench load} (starts services and the app, runs 100 and 500 workers). With
 * {@code -Dbench.flush-redis=<the app's Redis URI>} ({@code BENCH_FLUSH=1 ./goldfinch bench load}) a last phase flushes
 * Redis under load and reports how the workers fared.
 * Direct: {@code java -cp … LoadBenchmark <baseUrl> <jdbcUrl> <adminEmail> <adminPassword> <workers> <seconds> <items>
 * [thinkMs[,thinkMs…]] [separate|combined|both]}
 */
public final class LoadBenchmark {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"accessToken\":\"([^\"]+)\"");
    private static final Pattern ASSIGNMENT = Pattern.compile("\"assignmentId\":\"([0-9a-f-]{36})\"");
    private static final Pattern NUMBER = Pattern.compile("review number (\\d+)");
    /** Golds carry review numbers from here up; items stay below. */
    private static final long GOLD_NUMBERS = 10_000_000L;
    /**
     * Each gold is served to a worker at most once: with 200, a worker of 100 who answers several thousand tasks over
     * the phases had seen them all before the paced phases began, which then measured no gold answers.
     */
    private static final int GOLDS = 2_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private LoadBenchmark(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String jdbc = args[1];
        String adminEmail = args[2];
        String adminPassword = args[3];
        int workers = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        int items = Integer.parseInt(args[6]);
        int[] thinkMs = args.length > 7 ? java.util.Arrays.stream(args[7].split(",")).mapToInt(t -> Integer.parseInt(t.trim()))
                .filter(t -> t > 0).toArray() : new int[0];
        String flows = args.length > 8 ? args[8] : "both";
        if (!List.of("separate", "combined", "both").contains(flows)) {
            throw new IllegalArgumentException("flow must be separate, combined or both, not " + flows);
        }
        new LoadBenchmark(base).run(jdbc, adminEmail, adminPassword, workers, seconds, items, thinkMs, flows);
    }

    private void run(String jdbc, String adminEmail, String adminPassword, int workers, int seconds, int items, int[] thinkTimes,
                     String flows) throws Exception {
        long seed = 20261122L + workers;
        SplittableRandom random = new SplittableRandom(seed);
        String admin = signIn(adminEmail, adminPassword);
        String requesterEmail = "load-requester-" + System.nanoTime() + "@bench.goldfinch.dev";
        String requester = signUpAndIn(requesterEmail, "REQUESTER");
        long requesterId = Long.parseLong(find(ID, send("GET", "/api/me", requester, null, null).body()));
        send("POST", "/api/admin/accounts/" + requesterId + "/credit", admin,
                "{\"amountMinor\":100000000000,\"reference\":\"load-" + System.nanoTime() + "\"}", "application/json");
        String job = "{\"title\":\"Load test\",\"instructions\":\"Pick one.\",\"labels\":[\"even\",\"odd\"],\"rewardMinor\":1,"
                + "\"overlapMin\":2,\"overlapMax\":5,\"confidenceTarget\":0.95,\"goldRate\":0.1,\"reviewWindowHours\":24}";
        long jobId = Long.parseLong(find(ID, send("POST", "/api/jobs", requester, job, "application/json").body()));
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < items; i++) {
            csv.append('i').append(i).append(",review number ").append(i).append('\n');
        }
        send("POST", "/api/jobs/" + jobId + "/items", requester, csv.toString(), "text/csv");
        StringBuilder golds = new StringBuilder("id,text,label\n");
        for (int g = 0; g < GOLDS; g++) {
            long n = GOLD_NUMBERS + g;
            golds.append('g').append(g).append(",review number ").append(n).append(',').append(n % 2 == 0 ? "even" : "odd").append('\n');
        }
        send("POST", "/api/jobs/" + jobId + "/golds", requester, golds.toString(), "text/csv");
        send("POST", "/api/jobs/" + jobId + "/publish", requester, "", "application/json");

        // Workers sign up in parallel; 10% are spammers answering at random.
        String[] tokens = new String[workers];
        double[] accuracy = new double[workers];
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(workers, 32));
        List<java.util.concurrent.Future<?>> signups = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int index = w;
            accuracy[w] = random.nextDouble() < 0.1 ? 0.5 : 0.75 + 0.2 * random.nextDouble();
            signups.add(pool.submit(() -> {
                tokens[index] = signUpAndIn("load-worker-" + index + "-" + System.nanoTime() + "@bench.goldfinch.dev", "WORKER");
                return null;
            }));
        }
        for (var f : signups) {
            f.get();
        }
        pool.shutdownNow();
        System.out.printf(Locale.ROOT, "%n== %d workers, job %d with %,d items + %,d golds, %d s per phase, think time %s ms, seed %d ==%n",
                workers, jobId, items, GOLDS, seconds, thinkTimes.length == 0 ? "0" : Arrays.toString(thinkTimes), seed);

        HttpLoad load = new HttpLoad(base);
        boolean separate = !flows.equals("combined");
        boolean combined = !flows.equals("separate");
        // Warm-up (not reported): the server's JIT compiles every path before anything is measured. On 2 cores it takes
        // about a minute of load: until then the compiler threads used more of the app's CPU than the requests did
        // (app CPU per pair was three times what it is later), and throughput kept climbing.
        measurePairs(load, tokens, accuracy, jobId, seed, 0, 0, Math.max(WARM_UP_SECONDS, seconds), !separate);
        if (separate && combined) {
            measurePairs(load, tokens, accuracy, jobId, seed, 0, 0, Math.max(WARM_UP_SECONDS / 3, seconds / 2), true);
        }
        measureTrivial(load, tokens, Math.max(5, seconds / 4));
        // Steady state, as a marketplace in service has it: planner statistics of the tables the warm-up filled. On a
        // fresh database autovacuum gathers them a minute or more later, and until then PostgreSQL keeps the plans it
        // made while assignment was nearly empty (auto_explain showed sequential scans of it in groups of leases
        // during the measured phase of cold runs).
        try (Connection c = DriverManager.getConnection(jdbc, "goldfinch", ""); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }

        Phase trivial = measureTrivial(load, tokens, seconds);
        System.out.printf(Locale.ROOT, "GET /api/me, as fast as they can: %,.0f requests/s; latency p50 %.1f ms, p99 %.1f ms%n",
                trivial.rate(), trivial.p(0.50), trivial.p(0.99));
        boolean saturation = Boolean.parseBoolean(System.getProperty("bench.saturation", "true"));
        if (separate && saturation) {
            Before before = before(admin);
            Phase pairs = measurePairs(load, tokens, accuracy, jobId, seed + 1, 0, 0, seconds, false);
            String server = serverLines(before, admin);
            emptyClaims += pairs.empty();
            System.out.printf(Locale.ROOT, "claim, then submit (two requests), as fast as they can: %,.0f pairs/s (%,.0f requests/s); "
                            + "pair latency p50 %.1f ms, p99 %.1f ms; %d empty claims, %d errors%n",
                    pairs.rate(), 2 * pairs.rate(), pairs.p(0.50), pairs.p(0.99), pairs.empty(), pairs.errors());
            System.out.println("  each request: " + pairs.requests());
            System.out.printf(Locale.ROOT, "  ratio: claim+submit requests/s / trivial requests/s = %.2f (pairs/s / trivial requests/s = %.2f)%n",
                    2 * pairs.rate() / trivial.rate(), pairs.rate() / trivial.rate());
            System.out.println(server);
        }
        if (combined && saturation) {
            Before before = before(admin);
            Phase pairs = measurePairs(load, tokens, accuracy, jobId, seed + 3, 0, 0, seconds, true);
            String server = serverLines(before, admin);
            emptyClaims += pairs.empty();
            System.out.printf(Locale.ROOT, "submit with the next claim (one request), as fast as they can: %,.0f pairs/s; "
                            + "latency p50 %.1f ms, p99 %.1f ms; %d empty claims, %d errors%n",
                    pairs.rate(), pairs.p(0.50), pairs.p(0.99), pairs.empty(), pairs.errors());
            System.out.printf(Locale.ROOT, "  ratio: pairs/s (= requests/s) / trivial requests/s = %.2f%n", pairs.rate() / trivial.rate());
            System.out.println(server);
        }
        for (int thinkMs : thinkTimes) {
            // Each paced phase is measured after it has run for a while unreported, in the same run: after the phases as
            // fast as they can, the server's JIT compiled the paths of large groups; at a slower pace requests take others
            // (groups of one or two, idle connections), and C2 recompiled them during the first 15 s of the measured phase
            // (a third of the app's CPU in perf, 1,100 methods compiled in 4 s), which a server long in service would not
            // be doing. In the same run, because a phase's start is no state a marketplace in service is in: every
            // worker drops his task and claims anew, and a few seconds held most of a phase's slow pairs.
            if (separate) {
                var before = countersBeforeWindow(admin, PHASE_WARM_UP_SECONDS);
                Phase paced = measurePairs(load, tokens, accuracy, jobId, seed + 2 + thinkMs, thinkMs, PHASE_WARM_UP_SECONDS, seconds, false);
                String server = serverLines(before.get(), admin);
                emptyClaims += paced.empty();
                System.out.printf(Locale.ROOT, "claim, then submit, each worker thinking %d ms on average: %,.0f pairs/s; pair latency p50 %.1f ms, "
                                + "p99 %.1f ms; %d empty claims, %d errors%n",
                        thinkMs, paced.rate(), paced.p(0.50), paced.p(0.99), paced.empty(), paced.errors());
                System.out.println("  each request: " + paced.requests());
                System.out.println(server);
            }
            if (combined) {
                var before = countersBeforeWindow(admin, PHASE_WARM_UP_SECONDS);
                Phase paced = measurePairs(load, tokens, accuracy, jobId, seed + 4 + thinkMs, thinkMs, PHASE_WARM_UP_SECONDS, seconds, true);
                String server = serverLines(before.get(), admin);
                emptyClaims += paced.empty();
                System.out.printf(Locale.ROOT, "submit with the next claim, each worker thinking %d ms on average: %,.0f pairs/s; latency p50 %.1f ms, "
                                + "p99 %.1f ms; %d empty claims, %d errors%n",
                        thinkMs, paced.rate(), paced.p(0.50), paced.p(0.99), paced.empty(), paced.errors());
                System.out.println(server);
            }
        }
        String flushRedis = System.getProperty("bench.flush-redis");
        if (flushRedis != null) {
            measureFlush(load, tokens, accuracy, jobId, seed + 9, seconds, flushRedis);
        }
        load.close();
        if (emptyClaims > 0) {
            System.out.printf(Locale.ROOT, "warning: %,d claims found no open item: the job ran short of items, so the phases with empty "
                    + "claims measured less work than their workers asked for; raise BENCH_ITEMS%n", emptyClaims);
        }
        checkInvariants(jdbc, jobId);
    }

    /**
     * Redis loses everything mid-phase: workers think 1 s per task, and a third of the way in the app's Redis database is
     * flushed (as a restart without persistence would). Reports when a worker was next handed a task and how many
     * requests were answered 503 meanwhile; the invariants checked after the run cover the rebuilt state.
     */
    private void measureFlush(HttpLoad load, String[] tokens, double[] accuracy, long jobId, long seed, int seconds, String redisUri)
            throws Exception {
        Outage outage = new Outage();
        long flushAfterMs = seconds * 1000L / 3;
        Thread flusher = new Thread(() -> {
            try {
                Thread.sleep(flushAfterMs);
                io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redisUri);
                try (var connection = client.connect()) {
                    connection.sync().flushdb();
                    outage.flushedAt = System.nanoTime(); // requests sent from now on find Redis empty
                } finally {
                    client.shutdown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-flush");
        flusher.setDaemon(true);
        flusher.start();
        Phase phase = measureCombined(load, tokens, accuracy, jobId, seed, 1000, 0, seconds, outage);
        flusher.join();
        // Empty here means an answer stored without a next task (the state was being rebuilt), not a job short of items.
        System.out.printf(Locale.ROOT, "Redis flushed %.0f s into a phase of submit with the next claim, 1 s think: a request sent after "
                        + "the flush was first handed a task %s after it; meanwhile %,d requests answered 503 (retry later), %,d answers "
                        + "stored without a next task, %d other errors; %,.0f pairs/s over the phase, p50 %.1f ms, p99 %.1f ms%n",
                flushAfterMs / 1000.0,
                outage.firstTaskAfter == 0 ? "never (within the phase)"
                        : String.format(Locale.ROOT, "%.2f s", (outage.firstTaskAfter - outage.flushedAt) / 1e9),
                outage.unavailable, phase.empty(), phase.errors(), phase.rate(), phase.p(0.50), phase.p(0.99));
    }

    /** Claims answered with 204 over the measured phases of this run. */
    private long emptyClaims;

    private static final boolean DEBUG = Boolean.getBoolean("bench.debug");
    private static final int WARM_UP_SECONDS = Integer.getInteger("bench.warmup", 75);
    private static final int PHASE_WARM_UP_SECONDS = Integer.getInteger("bench.phase-warmup", 20);
    private static final long[] PHASE_START = new long[1];
    private static final long[] PER_SECOND_MAX = new long[600];
    private static final int[] PER_SECOND_N = new int[600];
    private static final int[] PER_SECOND_SLOW = new int[600];

    /** Whether a pair that started at {@code t0} (System.nanoTime) is in the measured part of the run. */
    private static boolean measured(long t0) {
        return t0 >= PHASE_START[0];
    }

    /** With -Dbench.debug=true: counts a completed operation in its second of the phase (to line up with server logs). */
    private static void timeline(long now, long latency) {
        int sec = (int) ((now - PHASE_START[0]) / 1_000_000_000L);
        if (DEBUG && sec >= 0 && sec < 600) {
            PER_SECOND_MAX[sec] = Math.max(PER_SECOND_MAX[sec], latency);
            PER_SECOND_N[sec]++;
            PER_SECOND_SLOW[sec] += latency > 20_000_000L ? 1 : 0;
        }
    }

    /**
     * Runs the scripts for {@code warmUpSeconds} unreported, then {@code seconds} in which pairs that start are measured
     * ({@link #measured}), in one run.
     */
    private static void runWithTimeline(HttpLoad load, List<HttpLoad.Script> scripts, int warmUpSeconds, int seconds) throws Exception {
        PHASE_START[0] = System.nanoTime() + warmUpSeconds * 1_000_000_000L;
        long wallStart = System.currentTimeMillis() + warmUpSeconds * 1000L;
        Arrays.fill(PER_SECOND_MAX, 0);
        Arrays.fill(PER_SECOND_N, 0);
        Arrays.fill(PER_SECOND_SLOW, 0);
        load.run(scripts, warmUpSeconds + seconds);
        if (DEBUG) {
            StringBuilder b = new StringBuilder("per second from " + java.time.Instant.ofEpochMilli(wallStart)
                    + ": operations/over 20 ms/max ms:");
            for (int i = 0; i < seconds; i++) {
                b.append(' ').append(PER_SECOND_N[i]).append('/').append(PER_SECOND_SLOW[i]).append('/').append(PER_SECOND_MAX[i] / 1_000_000);
            }
            System.out.println(b);
        }
    }

    /**
     * The server's group counters and the processes' CPU times read on another thread a second before a run's measured
     * part opens (at once without a warm-up), so that the scrape is not in it; the server and cpu lines then count up to
     * a second more than the phase.
     */
    private java.util.concurrent.CompletableFuture<Before> countersBeforeWindow(String admin, int warmUpSeconds) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(Math.max(0, warmUpSeconds * 1000L - 1000L));
                return before(admin);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** What the server and the machine had done before a phase: the writers' counters, each process's CPU time. */
    private record Before(Map<String, double[]> groups, ProcessCpu.Snapshot cpu) {
    }

    private Before before(String admin) throws Exception {
        ProcessCpu.Snapshot cpu = ProcessCpu.snapshot();
        return new Before(groupCounters(admin), cpu);
    }

    /** The server line ({@link #groupLine}) and the cores each part of the machine kept busy since {@code before}. */
    private String serverLines(Before before, String admin) throws Exception {
        ProcessCpu.Snapshot cpu = ProcessCpu.snapshot();
        return groupLine(before.groups(), groupCounters(admin)) + System.lineSeparator() + ProcessCpu.line(before.cpu(), cpu);
    }

    /**
     * The server's group-execution counters (GroupCall's meters, read from /prometheus as the admin): per writer, the
     * count and sum of callers' waits, of group runs and of group sizes.
     */
    private Map<String, double[]> groupCounters(String admin) throws Exception {
        Map<String, double[]> out = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "^goldfinch_group_(wait_seconds|run_seconds|size)_(count|sum)\\{name=\"([^\"]+)\",?} ([0-9.eE+-]+)$", java.util.regex.Pattern.MULTILINE)
                .matcher(send("GET", "/prometheus", admin, null, null).body());
        List<String> fields = List.of("wait_seconds_count", "wait_seconds_sum", "run_seconds_count", "run_seconds_sum", "size_count", "size_sum");
        while (m.find()) {
            out.computeIfAbsent(m.group(3), k -> new double[6])[fields.indexOf(m.group(1) + "_" + m.group(2))] = Double.parseDouble(m.group(4));
        }
        return out;
    }

    /** What the server's writers did between two snapshots: groups, mean callers per group, mean wait and run. */
    private static String groupLine(Map<String, double[]> before, Map<String, double[]> after) {
        java.util.StringJoiner line = new java.util.StringJoiner("; ", "  server: ", " (means)").setEmptyValue("  server: no groups");
        after.forEach((name, a) -> {
            double[] z = before.getOrDefault(name, new double[6]);
            double groups = a[4] - z[4];
            if (groups > 0) {
                line.add(String.format(Locale.ROOT, "%s %,.0f groups of %.1f, caller wait %.2f ms, group run %.2f ms", name, groups,
                        (a[5] - z[5]) / groups, 1000 * (a[1] - z[1]) / Math.max(1, a[0] - z[0]), 1000 * (a[3] - z[3]) / Math.max(1, a[2] - z[2])));
            }
        });
        return line.toString();
    }

    /** A measured phase: completed operations, their sorted latencies in ns, and what went wrong. */
    private record Phase(double seconds, long[] sortedLatencies, long empty, long errors, long[] claims, long[] answers,
                         long[] goldAnswers, long[] normalAnswers) {
        Phase(double seconds, long[] sortedLatencies, long empty, long errors) {
            this(seconds, sortedLatencies, empty, errors, new long[0], new long[0], new long[0], new long[0]);
        }

        /**
         * p50/p99 of each request of a pair on its own: the claim, then the answer; and the answers to golds beside those
         * to normal items, measured in the same phase (a worker must not be able to tell a gold by its timing either).
         */
        String requests() {
            return String.format(Locale.ROOT, "claim p50 %.1f / p99 %.1f ms, answer p50 %.1f / p99 %.1f ms "
                            + "(answers to %d golds p50 %.2f / p90 %.2f ms, to %d normal items p50 %.2f / p90 %.2f ms)",
                    pct(claims, 0.50), pct(claims, 0.99), pct(answers, 0.50), pct(answers, 0.99),
                    goldAnswers.length, pct(goldAnswers, 0.50), pct(goldAnswers, 0.90),
                    normalAnswers.length, pct(normalAnswers, 0.50), pct(normalAnswers, 0.90));
        }

        double rate() {
            return sortedLatencies.length / seconds;
        }

        double p(double q) {
            return pct(sortedLatencies, q);
        }
    }

    /** Growable list of latencies; used on the driver thread only. */
    private static final class Latencies {
        long[] values = new long[1 << 16];
        int n;

        void add(long v) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = v;
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(values, n);
            Arrays.sort(s);
            return s;
        }
    }

    /** One simulated worker: its randomness, accuracy and pace, and what both flows do alike. */
    private abstract static class SimulatedWorker implements HttpLoad.Script {
        final SplittableRandom r;
        final double accuracy;
        final int thinkMs;
        final long[] empty;
        final long[] errors;
        long wait;
        /** When the pair under way started (System.nanoTime). */
        long t0;
        private boolean begun;

        SimulatedWorker(SplittableRandom r, double accuracy, int thinkMs, long[] empty, long[] errors) {
            this.r = r;
            this.accuracy = accuracy;
            this.thinkMs = thinkMs;
            this.empty = empty;
            this.errors = errors;
        }

        /**
         * True once, at the start of a paced worker: it first thinks for a time drawn like every later think, so that
         * the phase starts as it goes on (thinks are exponential, so the time left of one under way is exponential too).
         * Starting each worker at a uniform moment within one think time sent every worker's first pair in the first
         * second, on top of the returns of those who came early: 652 pairs in it instead of about 500, at 500 workers
         * thinking 1 s, and 206 of the phase's 15,150 pairs over 20 ms came in its first two seconds.
         */
        boolean staggered() {
            if (!begun && thinkMs > 0) {
                begun = true;
                thinkThen(0);
                return true;
            }
            begun = true;
            return false;
        }

        /** The label this worker gives the task in {@code json}: right with its accuracy, at random otherwise. */
        String labelFor(String json) {
            long number = Long.parseLong(find(NUMBER, json));
            String truth = number % 2 == 0 ? "even" : "odd";
            return r.nextDouble() < accuracy ? truth : (r.nextBoolean() ? "even" : "odd");
        }

        /** A claim or answer that did not give a task: counted (empty ones in the measured part), and the worker tries again in 20 ms. */
        byte[] refused(String what, HttpLoad.Response res) {
            if (res.status() == 204) {
                if (measured(t0)) {
                    empty[0]++;
                }
            } else if (errors[0]++ < 3) {
                System.err.println(what + ": " + res.status() + " " + res.body());
            }
            wait = 20_000_000L;
            return null;
        }

        /** Thinks for an exponentially distributed time before {@link #resume}; goes on at once when not pacing. */
        byte[] thinkThen(long now) {
            if (thinkMs == 0) {
                return start(now);
            }
            wait = (long) (-Math.log(1 - r.nextDouble()) * thinkMs * 1_000_000L);
            return null;
        }

        @Override
        public long waitNanos() {
            return wait;
        }

        @Override
        public byte[] resume(long now) {
            return start(now);
        }
    }

    /**
     * Every worker claims a task of the job and answers it (right with its accuracy, at random otherwise), then thinks
     * for an exponentially distributed time with mean {@code thinkMs} (0: at once), for {@code seconds}. Combined: a
     * worker claims once, then thinks and answers with {@code next=true}, and goes on with the task that came back
     * (claiming on its own again only when none did); a pair is then one request.
     */
    private static Phase measurePairs(HttpLoad load, String[] tokens, double[] accuracy, long jobId, long seed, int thinkMs,
                                      int warmUpSeconds, int seconds, boolean combined) throws Exception {
        if (combined) {
            return measureCombined(load, tokens, accuracy, jobId, seed, thinkMs, warmUpSeconds, seconds, null);
        }
        Latencies lat = new Latencies();
        Latencies claimLat = new Latencies();
        Latencies answerLat = new Latencies();
        Latencies goldAnswerLat = new Latencies();
        Latencies normalAnswerLat = new Latencies();
        long[] empty = {0};
        long[] errors = {0};
        List<HttpLoad.Script> scripts = new ArrayList<>();
        for (int w = 0; w < tokens.length; w++) {
            int worker = w;
            byte[] claim = load.request("POST", "/api/worker/tasks/next?jobId=" + jobId, tokens[w], "");
            scripts.add(new SimulatedWorker(new SplittableRandom(seed * 31 + w), accuracy[w], thinkMs, empty, errors) {
                long sent;
                boolean answering;
                boolean gold;

                public byte[] start(long now) {
                    if (staggered()) {
                        return null;
                    }
                    t0 = now;
                    answering = false;
                    return claim;
                }

                public byte[] onResponse(HttpLoad.Response res, long now) {
                    if (!answering) {
                        if (res.status() != 200) {
                            return refused("claim", res);
                        }
                        String label = labelFor(res.body());
                        gold = Long.parseLong(find(NUMBER, res.body())) >= GOLD_NUMBERS; // known to the benchmark only
                        answering = true;
                        if (measured(t0)) {
                            claimLat.add(now - t0);
                        }
                        sent = now;
                        return load.request("POST", "/api/worker/tasks/" + find(ASSIGNMENT, res.body()) + "/answer", tokens[worker],
                                "{\"label\":\"" + label + "\"}");
                    }
                    if (res.status() == 200) {
                        if (measured(t0)) {
                            lat.add(now - t0);
                            answerLat.add(now - sent);
                            (gold ? goldAnswerLat : normalAnswerLat).add(now - sent);
                            timeline(now, now - t0);
                        }
                    } else if (errors[0]++ < 3) {
                        System.err.println("answer: " + res.status() + " " + res.body());
                    }
                    return thinkThen(now);
                }
            });
        }
        runWithTimeline(load, scripts, warmUpSeconds, seconds);
        return new Phase(seconds, lat.sorted(), empty[0], errors[0], claimLat.sorted(), answerLat.sorted(), goldAnswerLat.sorted(),
                normalAnswerLat.sorted());
    }

    /**
     * What workers saw around a Redis flush in a phase: when it was flushed (System.nanoTime), when a worker was next
     * handed a task, and how many requests were answered 503 (retry later) or otherwise failed meanwhile.
     */
    private static final class Outage {
        volatile long flushedAt;
        long firstTaskAfter;
        long unavailable;

        /** A task came back at {@code now} for a request sent at {@code sent}; counts only requests sent after the flush. */
        void taskHanded(long sent, long now) {
            if (flushedAt != 0 && firstTaskAfter == 0 && sent > flushedAt) {
                firstTaskAfter = now;
            }
        }
    }

    private static Phase measureCombined(HttpLoad load, String[] tokens, double[] accuracy, long jobId, long seed, int thinkMs,
                                         int warmUpSeconds, int seconds, Outage outage) throws Exception {
        Latencies lat = new Latencies();
        Latencies claimLat = new Latencies();
        long[] empty = {0};
        long[] errors = {0};
        List<HttpLoad.Script> scripts = new ArrayList<>();
        for (int w = 0; w < tokens.length; w++) {
            int worker = w;
            byte[] claim = load.request("POST", "/api/worker/tasks/next?jobId=" + jobId, tokens[w], "");
            scripts.add(new SimulatedWorker(new SplittableRandom(seed * 31 + w), accuracy[w], thinkMs, empty, errors) {
                /** The task in hand (assignment id and the label this worker will give it), or null. */
                String held;
                String label;

                /** Takes the task in {@code json} (a task, or the {@code next} of an answer); false when there is none. */
                boolean hold(String json) {
                    Matcher m = ASSIGNMENT.matcher(json);
                    if (!m.find()) {
                        held = null;
                        return false;
                    }
                    held = m.group(1);
                    label = labelFor(json);
                    return true;
                }

                public byte[] start(long now) {
                    if (staggered()) {
                        return null;
                    }
                    t0 = now;
                    if (held == null) {
                        return claim;
                    }
                    return load.request("POST", "/api/worker/tasks/" + held + "/answer?next=true&jobId=" + jobId, tokens[worker],
                            "{\"label\":\"" + label + "\"}");
                }

                /** A task arrived: think (label it), then answer it; at once when not pacing. */
                public byte[] onResponse(HttpLoad.Response res, long now) {
                    if (outage != null && res.status() == 503) {
                        outage.unavailable++;
                        if (held == null) {
                            wait = 2_000_000_000L; // as Retry-After asks
                            return null;
                        }
                    }
                    if (held == null) {
                        if (res.status() != 200) {
                            return refused("claim", res);
                        }
                        if (measured(t0)) {
                            claimLat.add(now - t0);
                        }
                        hold(res.body());
                        if (outage != null) {
                            outage.taskHanded(t0, now);
                        }
                        return thinkThen(now);
                    }
                    if (res.status() != 200) {
                        held = null;
                        return refused("answer", res);
                    }
                    if (measured(t0)) {
                        lat.add(now - t0);
                        timeline(now, now - t0);
                    }
                    int next = res.body().indexOf("\"next\":{");
                    if (next < 0 || !hold(res.body().substring(next))) {
                        held = null;
                        if (measured(t0)) {
                            empty[0]++;
                        }
                    } else if (outage != null) {
                        outage.taskHanded(t0, now);
                    }
                    return thinkThen(now);
                }
            });
        }
        runWithTimeline(load, scripts, warmUpSeconds, seconds);
        long[] sorted = lat.sorted();
        return new Phase(seconds, sorted, empty[0], errors[0], claimLat.sorted(), sorted, new long[0], new long[0]);
    }

    /** Every worker calls GET /api/me (authenticated, one indexed read) back to back for {@code seconds}. */
    private static Phase measureTrivial(HttpLoad load, String[] tokens, int seconds) throws Exception {
        Latencies lat = new Latencies();
        long[] errors = {0};
        List<HttpLoad.Script> scripts = new ArrayList<>();
        for (String token : tokens) {
            byte[] me = load.request("GET", "/api/me", token, null);
            scripts.add(new HttpLoad.Script() {
                long t0;

                public byte[] start(long now) {
                    t0 = now;
                    return me;
                }

                public byte[] onResponse(HttpLoad.Response res, long now) {
                    if (res.status() == 200) {
                        lat.add(now - t0);
                    } else {
                        errors[0]++;
                    }
                    return start(now);
                }

                public long waitNanos() {
                    return 0;
                }

                public byte[] resume(long now) {
                    return start(now);
                }
            });
        }
        load.run(scripts, seconds);
        return new Phase(seconds, lat.sorted(), 0, errors[0]);
    }

    private static void checkInvariants(String jdbc, long jobId) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, "goldfinch", ""); Statement s = c.createStatement()) {
            long beyond = count(s, "SELECT count(*) FROM (SELECT a.item_id FROM assignment a JOIN job j ON j.id = a.job_id WHERE a.job_id = " + jobId
                    + " AND NOT a.is_gold AND a.status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED') GROUP BY a.item_id, j.overlap_max "
                    + "HAVING count(*) > j.overlap_max) x");
            long duplicates = count(s, "SELECT count(*) FROM (SELECT item_id, worker_id FROM assignment WHERE job_id = " + jobId
                    + " AND NOT is_gold AND status IN ('SUBMITTED','ACCEPTED','REJECTED') GROUP BY item_id, worker_id HAVING count(*) > 1) x");
            long goldTwice = count(s, "SELECT count(*) FROM (SELECT item_id, worker_id FROM assignment WHERE job_id = " + jobId
                    + " AND is_gold GROUP BY item_id, worker_id HAVING count(*) > 1) x");
            long answers = count(s, "SELECT count(*) FROM assignment WHERE job_id = " + jobId + " AND status = 'SUBMITTED'");
            long goldShare = count(s, "SELECT count(*) FROM assignment WHERE job_id = " + jobId + " AND status = 'SUBMITTED' AND is_gold");
            long closed = count(s, "SELECT count(*) FROM item WHERE job_id = " + jobId + " AND closed_at IS NOT NULL AND NOT is_gold");
            System.out.printf(Locale.ROOT, "invariants: %d items beyond their overlap, %d duplicate worker-item answers, %d golds shown twice to a worker%n",
                    beyond, duplicates, goldTwice);
            System.out.printf(Locale.ROOT, "stored: %,d answers (%.1f%% golds), %,d items closed%n", answers, 100.0 * goldShare / Math.max(1, answers), closed);
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    private String signIn(String email, String password) throws Exception {
        HttpResponse<String> r = send("POST", "/api/auth/signin", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", "application/json");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("sign-in of " + email + " failed: " + r.statusCode() + " " + r.body());
        }
        return find(TOKEN, r.body());
    }

    private String signUpAndIn(String email, String role) throws Exception {
        String password = "load-benchmark-password";
        send("POST", "/api/auth/signup", null, "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"displayName\":\"Load\",\"role\":\"" + role + "\"}", "application/json");
        return signIn(email, password);
    }

    private HttpResponse<String> send(String method, String path, String token, String body, String contentType) throws Exception {
        // Set-up requests: uploading 600,000 items can take more than 30 s on a busy 2-core machine.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(180));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpRequest request = b.build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            if (!method.equals("GET")) {
                throw e;
            }
            // A pooled connection the server closed while it sat idle between phases fails on first use
            // ("header parser received no bytes"); a read is safe to send again on a new one.
            System.out.println("  (" + path + ": " + e.getMessage() + "; sent again)");
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + s);
        }
        return m.group(1);
    }
}
