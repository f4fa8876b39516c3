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
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load benchmark of the matching engine against a running Goldfinch on real PostgreSQL and Redis: simulated workers
 * with known accuracies (10% spammers) claim a task and submit an answer, as fast as they can, for a fixed time. It
 * reports claim+submit pairs per second with p50/p99 latency of a pair, the same concurrency against a trivial
 * authenticated endpoint (GET /api/me) in the same run, and then checks the invariants in PostgreSQL.
 *
 * <p>Run: {@code ./goldfinch bench load} (starts services and the app, runs 100 and 500 workers).
 * Direct: {@code java -cp … LoadBenchmark <baseUrl> <jdbcUrl> <adminEmail> <adminPassword> <workers> <seconds> <items>}
 */
public final class LoadBenchmark {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"accessToken\":\"([^\"]+)\"");
    private static final Pattern ASSIGNMENT = Pattern.compile("\"assignmentId\":\"([0-9a-f-]{36})\"");
    private static final Pattern NUMBER = Pattern.compile("review number (\\d+)");

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
        new LoadBenchmark(base).run(jdbc, adminEmail, adminPassword, workers, seconds, items);
    }

    private void run(String jdbc, String adminEmail, String adminPassword, int workers, int seconds, int items) throws Exception {
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
        for (int g = 0; g < 200; g++) {
            int n = 10_000_000 + g;
            golds.append('g').append(g).append(",review number ").append(n).append(',').append(n % 2 == 0 ? "even" : "odd").append('\n');
        }
        send("POST", "/api/jobs/" + jobId + "/golds", requester, golds.toString(), "text/csv");
        send("POST", "/api/jobs/" + jobId + "/publish", requester, "", "application/json");

        // Workers sign up in parallel; 10% are spammers answering at random.
        String[] tokens = new String[workers];
        double[] accuracy = new double[workers];
        ExecutorService pool = Executors.newFixedThreadPool(workers);
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
        System.out.printf(Locale.ROOT, "%n== %d workers, job %d with %,d items + 200 golds, %d s per phase, seed %d ==%n",
                workers, jobId, items, seconds, seed);

        // Phase 1: claim + submit.
        long[][] latencies = new long[workers][];
        AtomicLong pairs = new AtomicLong();
        AtomicLong empty = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        phase(pool, workers, seconds, (w, stop) -> {
            SplittableRandom r = new SplittableRandom(seed * 31 + w);
            long[] lat = new long[1 << 16];
            int n = 0;
            String path = "/api/worker/tasks/next?jobId=" + jobId;
            while (!stop.get()) {
                long t0 = System.nanoTime();
                HttpResponse<String> claim = send("POST", path, tokens[w], "", "application/json");
                if (claim.statusCode() == 204) {
                    empty.incrementAndGet();
                    continue;
                }
                if (claim.statusCode() != 200) {
                    errors.incrementAndGet();
                    continue;
                }
                String body = claim.body();
                long number = Long.parseLong(find(NUMBER, body));
                String truth = number % 2 == 0 ? "even" : "odd";
                String label = r.nextDouble() < accuracy[w] ? truth : (r.nextBoolean() ? "even" : "odd");
                String assignment = find(ASSIGNMENT, body);
                HttpResponse<String> answer = send("POST", "/api/worker/tasks/" + assignment + "/answer", tokens[w],
                        "{\"label\":\"" + label + "\"}", "application/json");
                if (answer.statusCode() != 200) {
                    errors.incrementAndGet();
                    continue;
                }
                if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                }
                lat[n++] = System.nanoTime() - t0;
                pairs.incrementAndGet();
            }
            latencies[w] = Arrays.copyOf(lat, n);
        });
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        double pairRate = pairs.get() / (double) seconds;

        // Phase 2: the trivial authenticated endpoint, same concurrency.
        AtomicLong trivial = new AtomicLong();
        long[][] trivialLat = new long[workers][];
        phase(pool, workers, seconds, (w, stop) -> {
            long[] lat = new long[1 << 16];
            int n = 0;
            while (!stop.get()) {
                long t0 = System.nanoTime();
                if (send("GET", "/api/me", tokens[w], null, null).statusCode() == 200) {
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - t0;
                    trivial.incrementAndGet();
                }
            }
            trivialLat[w] = Arrays.copyOf(lat, n);
        });
        long[] allTrivial = Arrays.stream(trivialLat).flatMapToLong(Arrays::stream).sorted().toArray();
        double trivialRate = trivial.get() / (double) seconds;
        pool.shutdownNow();

        System.out.printf(Locale.ROOT, "claim+submit: %,.0f pairs/s (%,.0f requests/s); pair latency p50 %.1f ms, p99 %.1f ms; %d empty claims, %d errors%n",
                pairRate, 2 * pairRate, pct(all, 0.50), pct(all, 0.99), empty.get(), errors.get());
        System.out.printf(Locale.ROOT, "GET /api/me:  %,.0f requests/s; latency p50 %.1f ms, p99 %.1f ms%n",
                trivialRate, pct(allTrivial, 0.50), pct(allTrivial, 0.99));
        System.out.printf(Locale.ROOT, "ratio: claim+submit pairs/s / trivial requests/s = %.2f; requests/s ratio = %.2f%n",
                pairRate / trivialRate, 2 * pairRate / trivialRate);
        checkInvariants(jdbc, jobId);
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

    interface Loop {
        void run(int worker, AtomicBoolean stop) throws Exception;
    }

    private static void phase(ExecutorService pool, int workers, int seconds, Loop loop) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            int index = w;
            pool.submit(() -> {
                try {
                    loop.run(index, stop);
                } catch (Exception e) {
                    System.err.println("worker " + index + " stopped: " + e);
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + s);
        }
        return m.group(1);
    }
}
