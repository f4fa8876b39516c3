package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class MatchingRulesTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;
    @Inject
    TaskService tasks;
    @Inject
    Db db;
    @Inject
    StatefulRedisConnection<String, String> redis;
    @Inject
    MatchingService matching;
    @Inject
    RedisScripts scripts;

    Api api;

    private long publishedJob(Api.Session requester, int items, int golds, int overlap, double goldRate) {
        Api.Session admin = api.admin();
        api.credit(admin, requester.id(), 10_000_000);
        long job = api.createJob(requester, Map.of("overlapMin", overlap, "overlapMax", overlap, "goldRate", goldRate));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", items));
        if (golds > 0) {
            StringBuilder g = new StringBuilder("id,text,label\n");
            for (int i = 0; i < golds; i++) {
                g.append("g").append(i).append(",\"review number ").append(1000 + i).append("\",positive\n");
            }
            api.upload(requester, job, "golds", "text/csv", g.toString());
        }
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        return job;
    }

    private HttpResponse<Map<String, Object>> next(Api.Session worker, long job) {
        return api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
    }

    private void answer(Api.Session worker, Object assignmentId, String label) {
        api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + assignmentId + "/answer", Map.of("label", label))));
    }

    /** Answers with {@code ?next=true}: the next task's assignment id, or null when none came with the answer. */
    @SuppressWarnings("unchecked")
    private Object answerAndNext(Api.Session worker, Object assignmentId, long job) {
        HttpResponse<Map<String, Object>> r = client.toBlocking().exchange(api.as(worker, HttpRequest.POST(
                "/api/worker/tasks/" + assignmentId + "/answer?next=true&jobId=" + job, Map.of("label", "positive"))), Argument.mapOf(String.class, Object.class));
        Object next = r.body().get("next");
        return next == null ? null : ((Map<String, Object>) next).get("assignmentId");
    }

    @Test
    void concurrentWorkersNeverExceedOverlapNorGetAnItemTwiceNorAGoldTwice() throws Exception {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 30, 6, 2, 0.3);
        List<Api.Session> workers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            workers.add(api.signUp("WORKER"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (Api.Session worker : workers) {
            futures.add(pool.submit(() -> {
                boolean noLeases = false;
                Object held = null; // a task handed back with an answer
                for (int n = 0, waits = 0; n < 100; n++) {
                    if (held != null) {
                        Object id = held;
                        held = null;
                        if (worker.id() % 2 == 0 && n % 3 == 0) {
                            client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + id + "/release", "")));
                        } else {
                            held = answerAndNext(worker, id, job);
                        }
                        continue;
                    }
                    HttpResponse<Map<String, Object>> r = next(worker, job);
                    if (r.getStatus() == HttpStatus.NO_CONTENT) {
                        // Nothing for this worker now; a slot can still come back from a lease that is being released.
                        // Done only when a claim made after no lease was left found nothing: a release may have
                        // returned its slot between this claim and the count.
                        if (noLeases || ++waits > 500) {
                            return;
                        }
                        noLeases = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND status = 'LEASED'", job)) == 0;
                        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                        n--;
                        continue;
                    }
                    noLeases = false;
                    Object id = r.body().get("assignmentId");
                    // Half the workers skip every third task, so slots are returned and reclaimed concurrently.
                    if (worker.id() % 2 == 0 && n % 3 == 0) {
                        client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + id + "/release", "")));
                    } else if (worker.id() % 3 == 0) {
                        // A third of the workers answer with the next task in the same request: its lease is written in
                        // the answer's transaction, beside other workers' leases and answers written on their own.
                        held = answerAndNext(worker, id, job);
                    } else {
                        answer(worker, id, "positive");
                    }
                }
                errors.add("worker " + worker.id() + " never ran out of tasks");
            }));
        }
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(errors).isEmpty();
        db.tx(c -> {
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM (SELECT item_id FROM assignment WHERE job_id = ? AND NOT is_gold "
                    + "AND status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED') GROUP BY item_id HAVING count(*) > 2) x", job))
                    .as("items beyond their overlap").isZero();
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM (SELECT item_id, worker_id FROM assignment WHERE job_id = ? "
                    + "GROUP BY item_id, worker_id HAVING count(*) > 1) x", job)).as("an item or gold served twice to one worker").isZero();
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM (SELECT item_id FROM assignment WHERE job_id = ? AND NOT is_gold "
                    + "AND status IN ('SUBMITTED','ACCEPTED','REJECTED') GROUP BY item_id HAVING count(*) = 2) x", job))
                    .as("every item reached its overlap").isEqualTo(30);
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM item i WHERE i.job_id = ? AND NOT i.is_gold AND i.posterior_answers <> "
                    + "(SELECT count(*) FROM assignment a WHERE a.item_id = i.id AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED'))", job))
                    .as("items whose stored posterior missed a concurrent answer").isZero();
            long goldBudget = Db.scalarLong(c, "SELECT gold_task_budget FROM job WHERE id = ?", job);
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold AND status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED')", job))
                    .as("golds within the budgeted escrow").isPositive().isLessThanOrEqualTo(goldBudget);
            assertThat(Db.scalarLong(c, "SELECT used FROM job_gold_usage WHERE job_id = ?", job))
                    .as("the gold usage counter (V25) follows leases, answers and releases")
                    .isEqualTo(Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold "
                            + "AND status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED')", job));
            return null;
        });
    }

    @Test
    void aGoldTaskLooksExactlyLikeANormalTask() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 20, 20, 1, 0.5);
        Api.Session worker = api.signUp("WORKER");
        Set<String> shapes = new TreeSet<>();
        List<String> ids = new ArrayList<>();
        int gold = 0;
        int normal = 0;
        for (int n = 0; n < 40; n++) {
            HttpResponse<String> r = client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")), String.class);
            if (r.getStatus() == HttpStatus.NO_CONTENT) {
                break;
            }
            String body = r.body();
            assertThat(body).doesNotContain("gold").doesNotContain("label\":\"");
            Map<String, Object> task = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + Api.assignmentId(body) + "/release", "")))
                    .getBody().orElse(Map.of());
            assertThat(task).isEmpty();
            // Shape: the JSON with every value blanked out must be identical for gold and normal tasks.
            shapes.add(Api.shape(body));
            ids.add(Api.assignmentId(body));
            boolean isGold = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE id = ?::uuid AND is_gold", Api.assignmentId(body)) == 1);
            if (isGold) {
                gold++;
            } else {
                normal++;
            }
        }
        assertThat(gold).isPositive();
        assertThat(normal).isPositive();
        assertThat(shapes).hasSize(1);
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[0-9a-f-]{36}"));
    }

    @Test
    void anExpiredLeaseReturnsTheItemAndALateAnswerIsRefused() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 1, 0, 1, 0.0);
        Api.Session slow = api.signUp("WORKER");
        Api.Session other = api.signUp("WORKER");
        Map<String, Object> task = next(slow, job).body();
        assertThat(next(other, job).getStatus().getCode()).as("the only slot is leased").isEqualTo(HttpStatus.NO_CONTENT.getCode());

        clock.advance(Duration.ofSeconds(301));
        HttpClientResponseException late = api.failure(api.as(slow, HttpRequest.POST("/api/worker/tasks/" + task.get("assignmentId") + "/answer",
                Map.of("label", "positive"))));
        assertThat(late.getStatus().getCode()).isEqualTo(HttpStatus.CONFLICT.getCode());
        assertThat(late.getResponse().getBody(String.class).orElseThrow()).contains("lease-expired");
        assertThat(tasks.expireDue()).isGreaterThanOrEqualTo(1);

        Map<String, Object> retaken = next(other, job).body();
        assertThat(retaken).isNotNull();
        assertThat(retaken.get("data")).isEqualTo(task.get("data"));
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND label IS NOT NULL", job))).isZero();
    }

    @Test
    void resubmittingWithTheSameKeyIsIdempotentAndADifferentAnswerConflicts() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 3, 0, 1, 0.0);
        Api.Session worker = api.signUp("WORKER");
        Api.Session stranger = api.signUp("WORKER");
        Object id = next(worker, job).body().get("assignmentId");
        var submit = HttpRequest.POST("/api/worker/tasks/" + id + "/answer", Map.of("label", "negative")).header("Idempotency-Key", "abc");
        assertThat(api.exchange(api.as(worker, submit)).getStatus().getCode()).isEqualTo(HttpStatus.OK.getCode());
        assertThat(api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + id + "/answer", Map.of("label", "negative"))
                .header("Idempotency-Key", "abc"))).getStatus().getCode()).isEqualTo(HttpStatus.OK.getCode());
        HttpClientResponseException changed = api.failure(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + id + "/answer",
                Map.of("label", "positive")).header("Idempotency-Key", "other")));
        assertThat(changed.getStatus().getCode()).isEqualTo(HttpStatus.CONFLICT.getCode());
        HttpClientResponseException foreign = api.failure(api.as(stranger, HttpRequest.POST("/api/worker/tasks/" + id + "/answer",
                Map.of("label", "positive"))));
        assertThat(foreign.getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND label = 'negative'", job))).isEqualTo(1);
        Object second = next(worker, job).body().get("assignmentId");
        HttpClientResponseException badLabel = api.failure(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + second + "/answer",
                Map.of("label", "maybe"))));
        assertThat(badLabel.getStatus().getCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY.getCode());
    }

    @Test
    void afterRedisIsFlushedTheStateRebuildsFromPostgresWithoutOverAssigning() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 4, 0, 2, 0.0);
        Api.Session a = api.signUp("WORKER");
        Api.Session b = api.signUp("WORKER");
        Api.Session c = api.signUp("WORKER");
        List<Object> leasedByA = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            leasedByA.add(next(a, job).body().get("assignmentId"));
        }
        redis.sync().flushdb();
        for (int i = 0; i < 4; i++) {
            api.exchange(api.as(b, HttpRequest.POST("/api/worker/tasks/" + next(b, job).body().get("assignmentId") + "/answer",
                    Map.of("label", "positive"))));
        }
        assertThat(next(a, job).getStatus().getCode()).as("a has seen every item").isEqualTo(HttpStatus.NO_CONTENT.getCode());
        assertThat(next(c, job).getStatus().getCode()).as("every item is at its overlap of 2").isEqualTo(HttpStatus.NO_CONTENT.getCode());
        assertThat(leasedByA).hasSize(4);
    }

    @Test
    void aRebuildRestoresEachWorkersSeenSetWithGoldsAndNormalItemsFromPostgres() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 10, 10, 2, 0.5);
        Api.Session a = api.signUp("WORKER");
        Api.Session b = api.signUp("WORKER");
        for (int i = 0; i < 8; i++) {
            answer(a, next(a, job).body().get("assignmentId"), "positive");
        }
        for (int i = 0; i < 3; i++) {
            next(b, job); // leased, not answered
        }
        redis.sync().flushdb();
        matching.rebuild(job);
        for (Api.Session w : List.of(a, b)) {
            List<String> inPostgres = db.tx(c -> Db.list(c, rs -> rs.getString(1),
                    "SELECT item_id::text FROM assignment WHERE job_id = ? AND worker_id = ?", job, w.id()));
            assertThat(redis.sync().smembers(matching.seen(job, w.id()))).containsExactlyInAnyOrderElementsOf(inPostgres);
        }
        List<Boolean> goldsSeenByA = db.tx(c -> Db.list(c, rs -> rs.getBoolean(1),
                "SELECT is_gold FROM assignment WHERE job_id = ? AND worker_id = ?", job, a.id()));
        assertThat(goldsSeenByA).as("the check covers golds and normal items").contains(true, false);
    }

    @Test
    void dynamicOverlapStopsBuyingAnswersOnceAnItemIsConfidentAndTheJobCompletes() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 1_000_000);
        // A newcomer's accuracy is estimated at 0.75, so one answer meets a 0.7 target; at most 3 answers otherwise.
        long job = api.createJob(requester, Map.of("overlapMin", 1, "overlapMax", 3, "goldRate", 0.0, "confidenceTarget", 0.7,
                "reviewWindowHours", 0));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("d", 3));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        Api.Session first = api.signUp("WORKER");
        Api.Session second = api.signUp("WORKER");
        for (int i = 0; i < 3; i++) {
            Object id = next(first, job).body().get("assignmentId");
            answer(first, id, "negative");
        }
        assertThat(next(second, job).getStatus().getCode()).as("every item is already confident").isEqualTo(204);
        Map<String, Object> progress = api.get(requester, "/api/jobs/" + job + "/progress");
        assertThat(Api.num(progress.get("itemsDone"))).isEqualTo(3);
        assertThat(Api.num(progress.get("answers"))).isEqualTo(3);
    }

    @Test
    void aJobThatNeedsASkillIsOnlyOfferedToWorkersWhoHaveIt() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        Api.Session admin = api.admin();
        api.credit(admin, requester.id(), 1_000_000);
        long job = api.createJob(requester, Map.of("goldRate", 0.0, "requiredSkills", List.of("german")));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("s", 2));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        Api.Session plain = api.signUp("WORKER");
        Api.Session speaker = api.signUp("WORKER");
        client.toBlocking().exchange(api.as(admin, HttpRequest.PUT("/api/admin/users/" + speaker.id() + "/skills", Map.of("skills", List.of("german")))));
        assertThat(api.getList(plain, "/api/worker/jobs")).noneMatch(j -> Api.num(j.get("id")) == job);
        assertThat(api.failure(api.as(plain, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""))).getStatus().getCode()).isEqualTo(403);
        assertThat(api.getList(speaker, "/api/worker/jobs")).anyMatch(j -> Api.num(j.get("id")) == job);
        assertThat(next(speaker, job).getStatus().getCode()).isEqualTo(200);
    }

    @Test
    void aPhantomSlotLeftByACrashBetweenRedisAndPostgresIsRepairedFromPostgres() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 1, 0, 1, 0.0);
        long itemId = db.tx(c -> Db.scalarLong(c, "SELECT id FROM item WHERE job_id = ?", job));
        String item = Long.toString(itemId);
        // What a process that died right after its Redis claim leaves behind: a used slot, no lease in Postgres.
        redis.sync().hset(matching.slots(job), item, "1");
        redis.sync().zrem(matching.open(job), item);
        Api.Session worker = api.signUp("WORKER");
        assertThat(next(worker, job).getStatus().getCode()).isEqualTo(204);
        assertThat(matching.reconcile(job)).as("first sighting: could be a claim in flight").isZero();
        assertThat(matching.reconcile(job)).as("still there: repaired").isEqualTo(1);
        assertThat(next(worker, job).getStatus().getCode()).isEqualTo(200);
        assertThat(matching.reconcile(job)).isZero();
    }

    @Test
    void anItemUpdateDecidedOnFewerAnswersThanOneAlreadyAppliedIsIgnored() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 1, 0, 1, 0.0);
        Api.Session worker = api.signUp("WORKER");
        Object id = next(worker, job).body().get("assignmentId");
        answer(worker, id, "negative");
        long itemId = db.tx(c -> Db.scalarLong(c, "SELECT id FROM item WHERE job_id = ?", job));
        String item = Long.toString(itemId);
        assertThat(redis.sync().hget(matching.answered(job), item)).as("the answer's own update").isEqualTo("1");
        assertThat(redis.sync().hget(matching.caps(job), item)).isEqualTo("0");

        // Two later answers committed in order, their updates arriving in the opposite order: the second closes the
        // item, the first (decided on fewer answers, when the item was still open) comes last and must not reopen it.
        assertThat(matching.updateItem(job, itemId, 0, 1.0, 3)).isTrue();
        assertThat(matching.updateItem(job, itemId, 3, 0.4, 2)).as("stale").isFalse();
        assertThat(redis.sync().hget(matching.caps(job), item)).isEqualTo("0");
        assertThat(matching.openItems(job)).isZero();
        assertThat(matching.updateItem(job, itemId, 0, 1.0, 3)).as("the same decision again is applied").isTrue();

        // A rebuild takes the answers behind each cap from Postgres.
        redis.sync().del(matching.meta(job), matching.answered(job));
        matching.rebuild(job);
        assertThat(redis.sync().hget(matching.answered(job), item)).isEqualTo("1");
    }

    @Test
    void theClaimScriptScansPastSeenAndFullItemsInGrowingReadsAndNoFurtherThanItsLimit() {
        String ns = "test:claim-scan:" + java.util.UUID.randomUUID() + ":";
        String[] keys = {ns + "meta", ns + "open", ns + "seen", ns + "slots", ns + "caps"};
        redis.sync().hset(keys[0], "overlapMin", "2");
        for (int i = 1; i <= 300; i++) {
            redis.sync().zadd(keys[1], i, Integer.toString(i));
        }
        // Items 1-140 seen by this worker; 141-150 hold all the slots their cap allows (141 by its own cap of 1).
        redis.sync().sadd(keys[2], java.util.stream.IntStream.rangeClosed(1, 140).mapToObj(Integer::toString).toArray(String[]::new));
        for (int i = 142; i <= 150; i++) {
            redis.sync().hset(keys[3], Integer.toString(i), "2");
        }
        redis.sync().hset(keys[3], "141", "1");
        redis.sync().hset(keys[4], "141", "1");
        try {
            assertThat(scripts.evalLong("claim_item", keys, "150")).as("nothing claimable within the first 150").isZero();
            assertThat(scripts.evalLong("claim_item", keys, "151")).isEqualTo(151);
            assertThat(redis.sync().sismember(keys[2], "151")).isTrue();
            assertThat(redis.sync().hget(keys[3], "151")).isEqualTo("1");
            assertThat(scripts.evalLong("claim_item", keys, "4096")).as("151 is seen now").isEqualTo(152);
            assertThat(redis.sync().zscore(keys[1], "152")).as("one slot of two used: still open").isNotNull();
        } finally {
            redis.sync().del(keys);
        }
    }

    @Test
    void aWorkerWhoHasSeenMostGoldsIsServedEachRemainingOneOnceAlsoFromStateWrittenBeforeGoldsWereKeptInOrder() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 5, 40, 1, 0.1);
        matching.rebuild(job);
        List<String> golds = db.tx(c -> Db.list(c, rs -> rs.getString(1), "SELECT id::text FROM item WHERE job_id = ? AND is_gold ORDER BY id", job));
        assertThat(golds).hasSize(40);
        redis.sync().hset(matching.meta(job), "goldLeft", "1000");
        for (String layout : List.of("in order", "old set")) {
            long worker = 1_000_000L + (layout.length());
            String seen = matching.seen(job, worker);
            redis.sync().del(seen);
            redis.sync().sadd(seen, golds.subList(0, 30).toArray(new String[0])); // seen 30 of 40: probes mostly miss
            if (layout.equals("old set")) {
                redis.sync().del(matching.golds(job));
                redis.sync().sadd(matching.golds(job), golds.toArray(new String[0]));
            }
            java.util.Set<String> served = new java.util.HashSet<>();
            for (int k = 0; k < 10; k++) {
                long gold = scripts.evalLong("claim_gold", new String[]{matching.meta(job), matching.golds(job), seen}, String.valueOf(7 * k + 3));
                assertThat(gold).as(layout).isPositive();
                served.add(Long.toString(gold));
            }
            assertThat(served).as(layout).containsExactlyInAnyOrderElementsOf(golds.subList(30, 40));
            assertThat(scripts.evalLong("claim_gold", new String[]{matching.meta(job), matching.golds(job), seen}, "5")).as(layout).isZero();
        }
    }

    @Test
    void anAnswerStillReachesRedisAfterRedisLostItsScripts() throws InterruptedException {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 2, 0, 1, 0.0);
        Api.Session worker = api.signUp("WORKER");
        Object first = next(worker, job).body().get("assignmentId");
        answer(worker, first, "negative");
        Object second = next(worker, job).body().get("assignmentId");
        redis.sync().scriptFlush(); // as after a Redis restart: the script the answer's update runs by SHA is gone
        answer(worker, second, "negative");
        String item = Long.toString(db.tx(c -> Db.scalarLong(c,
                "SELECT item_id FROM assignment WHERE id = ?::uuid", second.toString())));
        // The update is sent again as source once Redis reports the missing script; wait for it (it is not awaited by
        // the answer).
        for (int i = 0; i < 100 && !"1".equals(redis.sync().hget(matching.answered(job), item)); i++) {
            Thread.sleep(20);
        }
        assertThat(redis.sync().hget(matching.answered(job), item)).isEqualTo("1");
        assertThat(redis.sync().hget(matching.caps(job), item)).isEqualTo("0");
        assertThat(matching.openItems(job)).isZero();
    }

    @Test
    void aClosedItemLeftOpenInRedisByALostUpdateIsClosedThereByReconcile() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 1_000_000);
        // One answer from a newcomer (estimated at 0.75) meets the 0.7 target and closes the item.
        long job = api.createJob(requester, Map.of("overlapMin", 1, "overlapMax", 3, "goldRate", 0.0, "confidenceTarget", 0.7));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("u", 1));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        Api.Session first = api.signUp("WORKER");
        Object id = next(first, job).body().get("assignmentId");
        answer(first, id, "negative");
        String item = Long.toString(db.tx(c -> Db.scalarLong(c, "SELECT id FROM item WHERE job_id = ? AND closed_at IS NOT NULL", job)));
        assertThat(matching.openItems(job)).isZero();
        // What a process that died between storing the answer and telling Redis leaves behind: the cap from before.
        redis.sync().hset(matching.caps(job), item, "1");
        redis.sync().zadd(matching.open(job), 0.0, item);
        assertThat(matching.openItems(job)).as("Redis thinks the item is open").isEqualTo(1);
        Api.Session second = api.signUp("WORKER");
        assertThat(next(second, job).getStatus().getCode()).as("Postgres refuses the closed item").isEqualTo(204);

        assertThat(matching.reconcile(job)).as("first sighting: could be an answer in flight").isZero();
        assertThat(matching.reconcile(job)).as("still there: repaired").isEqualTo(1);
        assertThat(redis.sync().hget(matching.caps(job), item)).isEqualTo("0");
        assertThat(matching.openItems(job)).isZero();
        assertThat(matching.reconcile(job)).as("nothing left to repair, and agreeing items are left alone").isZero();
        assertThat(next(api.signUp("WORKER"), job).getStatus().getCode()).isEqualTo(204);
    }

    @Test
    void reconcileStopsReadingItemsClosedLongAgoYetRepairsALostUpdateOfAnItemClosedBetweenPasses() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 3, 0, 1, 0.0);
        java.util.function.Consumer<Api.Session> answerOne = worker -> answer(worker, next(worker, job).body().get("assignmentId"), "negative");
        answerOne.accept(api.signUp("WORKER"));
        long closedFirst = db.tx(c -> Db.scalarLong(c, "SELECT id FROM item WHERE job_id = ? AND closed_at IS NOT NULL", job));
        List<Long> checked = new ArrayList<>();
        for (int pass = 0; pass < 4; pass++) {
            assertThat(matching.reconcile(job)).isZero();
            checked.add(matching.lastReconcileChecked(job));
            clock.advance(Duration.ofMinutes(10));
        }
        // The first passes read all three; once two passes have started after the closing (and the 5-minute margin has
        // passed), the closed item is no longer read.
        assertThat(checked).containsExactly(3L, 3L, 3L, 2L);

        // An item closes now and its Redis update is lost: the next two passes still read it, and the second repairs it,
        // however long after the closing they start.
        answerOne.accept(api.signUp("WORKER"));
        String item = Long.toString(db.tx(c -> Db.scalarLong(c,
                "SELECT id FROM item WHERE job_id = ? AND closed_at IS NOT NULL AND id <> ?", job, closedFirst)));
        redis.sync().hset(matching.caps(job), item, "1");
        redis.sync().zadd(matching.open(job), 0.0, item);
        clock.advance(Duration.ofMinutes(10));
        assertThat(matching.reconcile(job)).as("first sighting").isZero();
        assertThat(matching.lastReconcileChecked(job)).isEqualTo(2);
        clock.advance(Duration.ofMinutes(10));
        assertThat(matching.reconcile(job)).as("second sighting: repaired").isEqualTo(1);
        assertThat(redis.sync().hget(matching.caps(job), item)).isEqualTo("0");
        assertThat(matching.openItems(job)).isEqualTo(1);
    }

    @Test
    void reconcilingAJobLargerThanOnePageRepairsPhantomSlotsOnEveryPageAndRebuildSeesEveryItem() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 4_500, 0, 1, 0.0); // three pages of 2,000 for rebuild, nine of 500 for reconcile
        List<Long> ids = db.tx(c -> Db.list(c, rs -> rs.getLong(1), "SELECT id FROM item WHERE job_id = ? ORDER BY id", job));
        List<String> phantoms = List.of(ids.get(0), ids.get(1_999), ids.get(2_000), ids.get(4_499)).stream().map(String::valueOf).toList();
        for (String item : phantoms) {
            redis.sync().hset(matching.slots(job), item, "1");
            redis.sync().zrem(matching.open(job), item);
        }
        assertThat(matching.openItems(job)).isEqualTo(4_496);
        assertThat(matching.reconcile(job)).isZero();
        assertThat(matching.reconcile(job)).as("the first and last item of each page boundary").isEqualTo(4);
        assertThat(matching.openItems(job)).isEqualTo(4_500);
        // A flush: the rebuild reads every page too.
        redis.sync().del(matching.meta(job), matching.open(job));
        matching.rebuild(job);
        assertThat(matching.openItems(job)).isEqualTo(4_500);
    }

    @Test
    void aRebuildWritesPageByPageExtendingItsLockAndStopsBeforeTheMetaKeyOnceAnotherProcessHasIt() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, 4_500, 0, 1, 0.0); // three pages of 2,000 for rebuild
        String lock = matching.rebuildLock(job);
        redis.sync().del(matching.meta(job), matching.open(job));
        int[] pages = {0};
        List<Long> ttlSeen = new ArrayList<>();
        List<Long> openSeen = new ArrayList<>();
        try {
            // First attempt: before page 2 the lock is cut to 5 s to live; before page 3 it must live longer again
            // (the rebuild extended it as it read page 2), and pages 1 and 2 must be in Redis already (a page is written
            // before the next is read); then another process takes it over, and this rebuild must stop.
            matching.rebuildPageHook = () -> {
                pages[0]++;
                if (pages[0] == 2) {
                    redis.sync().pexpire(lock, 5_000);
                } else if (pages[0] == 3) {
                    ttlSeen.add(redis.sync().pttl(lock));
                    openSeen.add(redis.sync().zcard(matching.open(job)));
                    redis.sync().set(lock, "another-process");
                }
            };
            matching.rebuild(job);
            assertThat(ttlSeen).singleElement().satisfies(ttl -> assertThat(ttl).isGreaterThan(5_000L));
            assertThat(openSeen).as("written page by page").containsExactly(4_000L);
            assertThat(redis.sync().exists(matching.meta(job))).as("no meta key: claims wait for the new holder").isZero();
            assertThat(matching.openItems(job)).as("nothing after the lock was lost").isEqualTo(4_000);
            assertThat(redis.sync().get(lock)).as("the new holder's lock is left alone").isEqualTo("another-process");

            // The other process gone (its lock expired): the next rebuild completes and releases its lock.
            matching.rebuildPageHook = () -> {
            };
            redis.sync().del(lock);
            matching.rebuild(job);
            assertThat(matching.openItems(job)).isEqualTo(4_500);
            assertThat(redis.sync().exists(matching.meta(job))).isEqualTo(1);
            assertThat(redis.sync().exists(lock)).isZero();
        } finally {
            matching.rebuildPageHook = () -> {
            };
        }
    }
}
