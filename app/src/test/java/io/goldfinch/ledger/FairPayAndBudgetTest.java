package io.goldfinch.ledger;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.goldfinch.support.Api.num;
import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class FairPayAndBudgetTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;
    @Inject
    io.goldfinch.jobs.JobLifecycle lifecycle;

    private String labelOneTask(Api api, Api.Session worker, long job, Duration took) {
        var next = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
        assertThat(next.getStatus().getCode()).isEqualTo(200);
        String id = (String) next.body().get("assignmentId");
        clock.advance(took);
        api.post(worker, "/api/worker/tasks/" + id + "/answer", Map.of("label", "positive"));
        return id;
    }

    @Test
    void acceptedWorkIsToppedUpToTheHourlyFloorAndAJobWhoseEscrowRunsShortPausesUntilToppedUp() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 10_000);
        // 10 per task, floor 3,600 per hour (1 per second); tasks take 30 s, so each is owed a top-up of 20.
        long job = api.createJob(requester, Map.of("rewardMinor", 10, "overlapMin", 1, "overlapMax", 1, "goldRate", 0.0,
                "hourlyFloorMinor", 3600));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("f", 3));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        Api.Session worker = api.signUp("WORKER");

        String first = labelOneTask(api, worker, job, Duration.ofSeconds(30));
        Map<String, Object> progress = api.get(requester, "/api/jobs/" + job + "/progress");
        assertThat(((Number) progress.get("medianSecondsPerTask")).doubleValue()).isEqualTo(30.0);
        assertThat(num(progress.get("effectiveHourlyMinor"))).isEqualTo(1200);
        api.post(requester, "/api/assignments/" + first + "/approve", Map.of());
        // The escrow (3 tasks x 11) has no surplus beyond the committed remaining work: the job pauses.
        assertThat(api.get(requester, "/api/jobs/" + job).get("status")).isEqualTo("PAUSED");
        assertThat(api.failure(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""))).getStatus().getCode()).isEqualTo(409);
        assertThat(api.getList(worker, "/api/worker/jobs")).noneMatch(j -> num(j.get("id")) == job);

        api.post(requester, "/api/jobs/" + job + "/top-up", Map.of("amountMinor", 200, "reference", "t1"));
        assertThat(api.get(requester, "/api/jobs/" + job).get("status")).isEqualTo("PUBLISHED");
        String second = labelOneTask(api, worker, job, Duration.ofSeconds(30));
        api.post(requester, "/api/assignments/" + second + "/approve", Map.of());
        assertThat(num(api.get(worker, "/api/worker/earnings").get("balanceMinor"))).as("10 + 10 + a top-up of 20").isEqualTo(40);
        assertThat(api.get(requester, "/api/jobs/" + job).get("status")).isEqualTo("PUBLISHED");
    }

    @Test
    void aTaskAnsweredAfterItsJobWasCancelledIsStillToppedUpToTheFloor() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 10_000);
        long job = api.createJob(requester, Map.of("rewardMinor", 10, "overlapMin", 1, "overlapMax", 1, "goldRate", 0.0, "hourlyFloorMinor", 3600));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("c", 5));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        api.post(requester, "/api/jobs/" + job + "/top-up", Map.of("amountMinor", 500, "reference", "c1"));
        Api.Session worker = api.signUp("WORKER");
        api.post(requester, "/api/assignments/" + labelOneTask(api, worker, job, Duration.ofSeconds(30)) + "/approve", Map.of());
        assertThat(num(api.get(worker, "/api/worker/earnings").get("balanceMinor"))).as("10 and a top-up of 20").isEqualTo(30);

        // A lease out when the job is cancelled: its reward and its top-up at the pace so far stay in escrow.
        var next = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
        String late = (String) next.body().get("assignmentId");
        api.post(requester, "/api/jobs/" + job + "/cancel", Map.of("note", "enough"));
        clock.advance(Duration.ofSeconds(30));
        api.post(worker, "/api/worker/tasks/" + late + "/answer", Map.of("label", "positive"));
        api.post(requester, "/api/assignments/" + late + "/approve", Map.of());
        assertThat(num(api.get(worker, "/api/worker/earnings").get("balanceMinor"))).as("the answer after the cancellation is topped up too").isEqualTo(60);
        lifecycle.settleCancelled();
        assertThat(num(api.get(requester, "/api/account").get("reservedMinor"))).isZero();
    }

    @Test
    void concurrentPublishesNeverSpendMoreThanTheBalance() throws Exception {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 100);
        List<Long> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            long job = api.createJob(requester, Map.of("rewardMinor", 10, "overlapMin", 1, "overlapMax", 1, "goldRate", 0.0));
            api.upload(requester, job, "items", "text/csv", Api.itemsCsv("b", 3)); // 3 x (10 + 1) = 33
            jobs.add(job);
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Integer>> results = new ArrayList<>();
        for (long job : jobs) {
            Callable<Integer> publish = () -> {
                try {
                    api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
                    return 200;
                } catch (HttpClientResponseException e) {
                    return e.getStatus().getCode();
                }
            };
            results.add(pool.submit(publish));
        }
        int published = 0;
        int refused = 0;
        for (Future<Integer> f : results) {
            int code = f.get();
            if (code == 200) {
                published++;
            } else {
                assertThat(code).isEqualTo(409);
                refused++;
            }
        }
        pool.shutdown();
        assertThat(published).isEqualTo(3);
        assertThat(refused).isEqualTo(3);
        Map<String, Object> account = api.get(requester, "/api/account");
        assertThat(num(account.get("availableMinor"))).isEqualTo(1);
        assertThat(num(account.get("reservedMinor"))).isEqualTo(99);
    }
}
