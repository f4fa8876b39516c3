package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** What a worker gets while the matching state in Redis cannot serve them: a 503 to retry, never "no task" or a 500. */
@MicronautTest
class RedisOutageTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    StatefulRedisConnection<String, String> redis;
    @Inject
    MatchingService matching;
    @Inject
    RedisClient redisClient;

    private long publishedJob(Api api, Api.Session requester, int items) {
        api.credit(api.admin(), requester.id(), 1_000_000);
        long job = api.createJob(requester, Map.of("overlapMin", 1, "overlapMax", 1, "goldRate", 0.0));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", items));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        return job;
    }

    private static io.micronaut.http.MutableHttpRequest<String> next(Api api, Api.Session worker, long job) {
        return api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""));
    }

    /** Holds this process's rebuilds at their first page until {@code release}; {@code thread} gets the name of the one held. */
    private void holdRebuilds(CountDownLatch release, AtomicReference<String> thread) {
        matching.rebuildPageHook = () -> {
            thread.compareAndSet(null, Thread.currentThread().getName());
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Waits (up to 20 s) for the job's rebuild to write its meta key, then lets rebuilds run freely again. */
    private void awaitRebuilt(long job) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (redis.sync().exists(matching.meta(job)) == 0 && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        matching.rebuildPageHook = () -> {
        };
    }

    private static void assertRetryLater(HttpClientResponseException e, String type) {
        assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
        assertThat(e.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
        assertThat(e.getResponse().getHeaders().get(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(e.getResponse().getBody(String.class).orElseThrow()).contains("urn:goldfinch:problem:" + type);
    }

    @Test
    void aClaimWhileAnotherProcessRebuildsTheJobAnswers503RetryLaterNotNoTaskAndGetsATaskOnceItIsDone() {
        Api api = new Api(client.toBlocking(), users);
        long job = publishedJob(api, api.signUp("REQUESTER"), 20);
        Api.Session worker = api.signUp("WORKER");
        String lock = matching.rebuildLock(job);
        redis.sync().del(matching.meta(job));
        redis.sync().set(lock, "another-process"); // a rebuild under way elsewhere, not finished within the wait
        try {
            assertRetryLater(api.failure(next(api, worker, job)),
                    "matching-state-rebuilding");
            assertThat(redis.sync().get(lock)).as("the other holder's lock is left alone").isEqualTo("another-process");
        } finally {
            redis.sync().del(lock);
        }
        assertThat(api.exchange(next(api, worker, job)).getStatus().getCode())
                .isEqualTo(HttpStatus.OK.getCode());
    }

    @Test
    void aWorkerAskingForAnyJobIsServedFromAnotherJobWhileOneIsBeingRebuilt() {
        // Jobs are offered in a random order across requesters, and the shared test database holds other tests' jobs:
        // each request below fails without the fallback only when the job being rebuilt comes first, so several are made.
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long rebuilding = publishedJob(api, requester, 5);
        publishedJob(api, requester, 5);
        Api.Session worker = api.signUp("WORKER");
        String lock = matching.rebuildLock(rebuilding);
        redis.sync().del(matching.meta(rebuilding));
        redis.sync().set(lock, "another-process");
        try {
            for (int i = 0; i < 5; i++) {
                var res = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next", "")));
                assertThat(res.getStatus().getCode()).isEqualTo(HttpStatus.OK.getCode());
                assertThat(Api.num(res.body().get("jobId"))).isNotEqualTo(rebuilding);
            }
        } finally {
            redis.sync().del(lock);
        }
    }

    @Test
    void aClaimDoesNotRebuildALargeJobOnItsOwnThreadButAnswers503WhileTheRebuildGoesOnInTheBackground() throws Exception {
        Api api = new Api(client.toBlocking(), users);
        long job = publishedJob(api, api.signUp("REQUESTER"), 20);
        Api.Session worker = api.signUp("WORKER");
        redis.sync().del(matching.meta(job));
        CountDownLatch slowPage = new CountDownLatch(1);
        AtomicReference<String> rebuiltOn = new AtomicReference<>();
        holdRebuilds(slowPage, rebuiltOn); // a rebuild that takes longer than a claim waits (goldfinch.rebuild-wait, 2 s)
        try {
            assertRetryLater(api.failure(next(api, worker, job)),
                    "matching-state-rebuilding");
            assertThat(rebuiltOn.get()).as("rebuilt off the request's thread").isEqualTo("goldfinch-rebuild");
            assertThat(redis.sync().exists(matching.meta(job))).as("still rebuilding").isZero();
            // Claims meanwhile keep hearing the same.
            assertRetryLater(api.failure(next(api, worker, job)),
                    "matching-state-rebuilding");
        } finally {
            slowPage.countDown();
        }
        awaitRebuilt(job);
        assertThat(matching.openItems(job)).as("the background rebuild completed").isEqualTo(20);
        assertThat(api.exchange(next(api, worker, job)).getStatus().getCode())
                .isEqualTo(HttpStatus.OK.getCode());
    }

    @Test
    void anAnswerWithNextDoesNotWaitForARebuildItReturnsStoredWithoutATask() throws Exception {
        Api api = new Api(client.toBlocking(), users);
        long job = publishedJob(api, api.signUp("REQUESTER"), 20);
        Api.Session worker = api.signUp("WORKER");
        Object assignment = api.exchange(next(api, worker, job)).body()
                .get("assignmentId");
        redis.sync().del(matching.meta(job));
        CountDownLatch slowPage = new CountDownLatch(1);
        java.time.Duration wait = matching.rebuildWait;
        matching.rebuildWait = java.time.Duration.ofSeconds(60); // a claim would now wait longer than the client does
        holdRebuilds(slowPage, new AtomicReference<>());
        try {
            var res = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + assignment + "/answer?next=true&jobId=" + job,
                    Map.of("label", "positive"))));
            assertThat(res.getStatus().getCode()).isEqualTo(HttpStatus.OK.getCode());
            assertThat(res.body()).containsEntry("status", "SUBMITTED").doesNotContainKey("next");
        } finally {
            slowPage.countDown();
            matching.rebuildWait = wait;
        }
        awaitRebuilt(job);
        assertThat(redis.sync().exists(matching.meta(job))).as("the rebuild the answer started completed").isEqualTo(1);
    }

    @Test
    void aRedisThatStopsAnsweringGivesA503RetryLaterAndClaimsResumeAfterwards() {
        Api api = new Api(client.toBlocking(), users);
        long job = publishedJob(api, api.signUp("REQUESTER"), 20);
        Api.Session worker = api.signUp("WORKER");
        assertThat(api.exchange(next(api, worker, job)).getStatus().getCode())
                .isEqualTo(HttpStatus.OK.getCode());
        // Redis stops answering for longer than the command timeout (goldfinch.redis-timeout, 5 s): the claim fails with a 503.
        redis.sync().clientPause(7_000);
        assertRetryLater(api.failure(next(api, worker, job)),
                "matching-unavailable");
        long until = System.currentTimeMillis() + 15_000;
        Integer after = null;
        while (System.currentTimeMillis() < until) {
            try {
                after = api.exchange(next(api, worker, job)).getStatus().getCode();
                break;
            } catch (HttpClientResponseException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
            }
        }
        assertThat(after).as("claims resume once Redis answers again").isEqualTo(HttpStatus.OK.getCode());
    }

    @Test
    void aScriptSentWithoutWaitingReportsAnUnreachableRedisThroughItsResultInsteadOfFailingTheCaller() throws Exception {
        // An answer tells Redis its item's new cap this way: with Redis unreachable the answer, already stored, must
        // still succeed (reconcile repairs Redis later), so the call itself may not throw.
        RedisClient other = RedisClient.create(redisClient.getResources(), io.lettuce.core.RedisURI.create(System.getenv()
                .getOrDefault("GOLDFINCH_REDIS_URI", "redis://127.0.0.1:56379/1")));
        try {
            StatefulRedisConnection<String, String> connection = other.connect();
            connection.close(); // every command on it now fails at once
            java.util.concurrent.CompletableFuture<Long> result = new RedisScripts(connection)
                    .evalLongLater("update_item", new String[]{"k1", "k2", "k3", "k4", "k5", "k6"}, "1", "0", "0", "1")
                    .toCompletableFuture();
            assertThat(result).isCompletedExceptionally();
        } finally {
            other.shutdown();
        }
    }

    @Test
    void theWaitAndTimeoutSettingsOutsideTheirRangesAreRefusedByName() {
        assertThat(MatchingService.checkRebuildWait(java.time.Duration.ZERO)).isEqualTo(java.time.Duration.ZERO);
        assertThat(MatchingService.checkRebuildWait(java.time.Duration.ofSeconds(30))).isEqualTo(java.time.Duration.ofSeconds(30));
        for (java.time.Duration bad : new java.time.Duration[]{java.time.Duration.ofMillis(-1), java.time.Duration.ofSeconds(31)}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MatchingService.checkRebuildWait(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("goldfinch.rebuild-wait");
        }
        assertThat(RedisOptions.checkTimeout(java.time.Duration.ofSeconds(60))).isEqualTo(java.time.Duration.ofSeconds(60));
        for (java.time.Duration bad : new java.time.Duration[]{java.time.Duration.ZERO, java.time.Duration.ofSeconds(61)}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisOptions.checkTimeout(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("goldfinch.redis-timeout");
        }
    }

    @Test
    void whileDisconnectedRedisCommandsAreRefusedAtOnceRatherThanQueuedUntilTheTimeout() {
        assertThat(redisClient.getOptions().getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
        assertThat(redisClient.getOptions().isAutoReconnect()).isTrue();
        assertThat(redisClient.getOptions().getTimeoutOptions().isTimeoutCommands()).as("commands time out (5 s)").isTrue();
    }
}
