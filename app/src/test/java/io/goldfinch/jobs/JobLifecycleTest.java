package io.goldfinch.jobs;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.review.ReviewService;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A requester pauses, resumes and cancels a running job through the API: a pause stops new leases but not the answers
 * to leases already out, outlasts a top-up, and a resumption needs the escrow to cover the job's committed work; a
 * cancellation returns the escrow that in-flight work cannot need at once and the rest once that work is reviewed,
 * and pays the workers who answered in flight. Every change is recorded with who made it.
 */
@MicronautTest
class JobLifecycleTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;
    @Inject
    ReviewService reviews;
    @Inject
    JobLifecycle lifecycle;
    @Inject
    Db db;
    @Inject
    io.goldfinch.events.WebhookService webhooks;

    private static final long PER_TASK = 11; // reward 10 + 10% fee

    @Test
    @SuppressWarnings("unchecked")
    void pauseResumeAndCancelARunningJob() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "overlapMin", 2, "overlapMax", 2, "reviewWindowHours", 24),
                Api.itemsCsv("i", 10), null);
        String jobPath = "/api/jobs/" + job;
        assertThat(reserved(api, requester)).isEqualTo(10 * 2 * PER_TASK);
        api.post(requester, "/api/webhooks", Map.of("url", "http://127.0.0.1:9/hook")); // events are stored; none is delivered here
        webhooks.scanOnce();

        Api.Session alice = api.signUp("WORKER");
        Api.Session bob = api.signUp("WORKER");
        assertThat(api.work(alice, job, 3, Api::byParity)).isEqualTo(3);
        String bobsLease = lease(api, bob, job);

        // Paused by its owner: no new lease, but the lease already out is answered and stored.
        Map<String, Object> paused = api.post(requester, jobPath + "/pause", Map.of("note", "instructions need a fix"));
        assertThat(paused).containsEntry("status", "PAUSED").containsEntry("pauseReason", "OWNER");
        HttpClientResponseException refused = api.failure(api.as(alice, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
        assertThat(refused.getStatus().getCode()).isEqualTo(409);
        assertThat(refused.getResponse().getBody(String.class).orElseThrow()).contains("job-paused").contains("paused by its requester");
        answer(api, bob, bobsLease);
        webhooks.scanOnce();
        assertThat(events(job, "job.paused")).singleElement().asString().contains("\"pausedBy\":\"OWNER\"").contains("/resume");

        // A top-up does not lift the owner's pause; a resumption needs the escrow to cover the committed work.
        db.tx(c -> Db.update(c, "UPDATE job SET gold_task_budget = 100 WHERE id = ?", job)); // as if the gold rate had risen
        HttpClientResponseException shortOf = api.failure(api.as(requester, HttpRequest.POST(jobPath + "/resume", Map.of())));
        assertThat(shortOf.getStatus().getCode()).isEqualTo(409);
        assertThat(shortOf.getResponse().getBody(String.class).orElseThrow()).contains("escrow-short").contains(String.valueOf(100 * PER_TASK));
        api.post(requester, jobPath + "/top-up", Map.of("amountMinor", 100 * PER_TASK, "reference", "more-golds"));
        assertThat(api.get(requester, jobPath)).containsEntry("status", "PAUSED").containsEntry("pauseReason", "OWNER");
        Map<String, Object> resumed = api.post(requester, jobPath + "/resume", Map.of());
        assertThat(resumed).containsEntry("status", "PUBLISHED");
        assertThat(resumed.get("pauseReason")).isNull();
        db.tx(c -> Db.update(c, "UPDATE job SET gold_task_budget = 0 WHERE id = ?", job));
        webhooks.scanOnce();
        assertThat(events(job, "job.resumed")).hasSize(1);

        // Cancelled with one lease out and four answers awaiting review: the escrow they cannot need returns at once.
        String alicesLease = lease(api, alice, job);
        long availableBefore = Api.num(api.get(requester, "/api/account").get("availableMinor"));
        long escrowBefore = reserved(api, requester);
        Map<String, Object> cancelled = api.post(requester, jobPath + "/cancel", Map.of("note", "wrong dataset"));
        assertThat(cancelled).containsEntry("status", "CANCELLED");
        assertThat(cancelled.get("cancelledAt")).isNotNull();
        long inFlight = 5 * PER_TASK; // four answers awaiting review and one lease
        assertThat(reserved(api, requester)).isEqualTo(inFlight);
        assertThat(Api.num(api.get(requester, "/api/account").get("availableMinor"))).isEqualTo(availableBefore + escrowBefore - inFlight);
        assertThat(api.failure(api.as(bob, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.getList(bob, "/api/worker/jobs")).noneSatisfy(j -> assertThat(Api.num(j.get("id"))).isEqualTo(job));
        assertThat(api.post(requester, jobPath + "/cancel", Map.of())).containsEntry("status", "CANCELLED"); // again: a no-op
        lifecycle.settleCancelled();
        assertThat(settled(job)).as("work still in flight").isFalse();
        assertThat(reserved(api, requester)).isEqualTo(inFlight);
        webhooks.scanOnce();
        webhooks.scanOnce();
        assertThat(events(job, "job.cancelled")).singleElement().asString().contains("\"itemsTotal\":10");

        // The lease out is answered after the cancellation, stored, and paid when its window passes.
        answer(api, alice, alicesLease);
        clock.advance(Duration.ofHours(25));
        assertThat(reviews.acceptDue()).isGreaterThanOrEqualTo(5);
        lifecycle.settleCancelled();
        assertThat(settled(job)).isTrue();
        assertThat(reserved(api, requester)).isZero();
        assertThat(Api.num(api.get(alice, "/api/worker/earnings").get("balanceMinor"))).isEqualTo(4 * 10);
        assertThat(Api.num(api.get(requester, "/api/account").get("spentMinor"))).isEqualTo(5 * PER_TASK);

        // Who did what, in order.
        List<Map<String, Object>> changes = api.getList(requester, jobPath + "/changes");
        assertThat(changes).extracting(c -> c.get("action")).containsExactly("PAUSE", "RESUME", "CANCEL");
        assertThat(changes).allSatisfy(c -> assertThat(c).containsEntry("actorEmail", requester.email()));
        assertThat(changes.get(0)).containsEntry("note", "instructions need a fix");
        assertThat((Map<String, Object>) changes.get(0).get("changes")).containsEntry("status", List.of("PUBLISHED", "PAUSED"))
                .containsEntry("pauseReason", java.util.Arrays.asList(null, "OWNER"));
        assertThat((Map<String, Object>) changes.get(2).get("changes")).containsEntry("status", List.of("PUBLISHED", "CANCELLED"));
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "UPDATE job_change SET note = 'x' WHERE job_id = ?", job)))
                .hasMessageContaining("append-only");
    }

    @Test
    void whoMayChangeAJobAndWhatCannotBeChanged() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        Api.Session other = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0), Api.itemsCsv("i", 3), null);
        String jobPath = "/api/jobs/" + job;

        // Another requester cannot see it; a worker may not call it; a quality manager may pause any job.
        assertThat(api.failure(api.as(other, HttpRequest.POST(jobPath + "/pause", Map.of()))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(other, HttpRequest.GET(jobPath + "/changes"))).getStatus().getCode()).isEqualTo(404);
        Api.Session worker = api.signUp("WORKER");
        assertThat(api.failure(api.as(worker, HttpRequest.POST(jobPath + "/cancel", Map.of()))).getStatus().getCode()).isEqualTo(403);
        Api.Session signedUp = api.signUp("WORKER");
        client.toBlocking().exchange(api.as(admin, HttpRequest.PUT("/api/admin/users/" + signedUp.id() + "/roles", Map.of("roles", List.of("QUALITY_MANAGER")))));
        Api.Session qm = api.signIn(signedUp.email(), signedUp.id());
        assertThat(api.post(qm, jobPath + "/pause", Map.of())).containsEntry("status", "PAUSED");
        assertThat(api.getList(requester, jobPath + "/changes")).singleElement().satisfies(c -> assertThat(c).containsEntry("actorEmail", qm.email()));

        // A draft cancels with nothing to return; it cannot be paused, resumed, or published afterwards.
        long draft = api.createJob(requester, Map.of());
        assertThat(api.post(requester, "/api/jobs/" + draft + "/cancel", Map.of())).containsEntry("status", "CANCELLED");
        assertThat(settled(draft)).isTrue();
        HttpClientResponseException notRunning = api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + draft + "/pause", Map.of())));
        assertThat(notRunning.getStatus().getCode()).isEqualTo(409);
        assertThat(notRunning.getResponse().getBody(String.class).orElseThrow()).contains("job-not-running");
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + draft + "/resume", Map.of()))).getStatus().getCode()).isEqualTo(409);
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + draft + "/publish", Map.of()))).getStatus().getCode()).isEqualTo(409);

        // A note too long is a 400 and changes nothing.
        HttpClientResponseException tooLong = api.failure(api.as(requester, HttpRequest.POST(jobPath + "/resume", Map.of("note", "x".repeat(2001)))));
        assertThat(tooLong.getStatus().getCode()).isEqualTo(400);
        assertThat(api.get(requester, jobPath)).containsEntry("status", "PAUSED");
    }

    private boolean settled(long job) {
        return db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM job WHERE id = ? AND escrow_settled_at IS NOT NULL", job)) == 1;
    }

    private List<String> events(long job, String type) {
        return db.tx(c -> Db.list(c, rs -> rs.getString(1), "SELECT body FROM webhook_event WHERE job_id = ? AND type = ?", job, type));
    }

    private static long reserved(Api api, Api.Session requester) {
        return Api.num(api.get(requester, "/api/account").get("reservedMinor"));
    }

    private static String lease(Api api, Api.Session worker, long job) {
        Map<String, Object> task = api.post(worker, "/api/worker/tasks/next?jobId=" + job, "");
        return (String) task.get("assignmentId");
    }

    private static void answer(Api api, Api.Session worker, String assignmentId) {
        api.post(worker, "/api/worker/tasks/" + assignmentId + "/answer", Map.of("label", "positive"));
    }
}
