package io.goldfinch.jobs;

import io.goldfinch.accounts.UserStore;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job with a deadline, on the test clock: moved later while it runs, then reached. The job ends (EXPIRED) with a
 * lease still out and answers awaiting review; the escrow they cannot need returns at once; the lease is answered,
 * the answers are paid, and the rest of the escrow returns when they are settled. The system's change is recorded.
 */
@MicronautTest
class JobDeadlineTest {

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

    private static final long PER_TASK = 11;

    @Test
    void aJobEndsAtItsDeadlineAndSettlesLikeACancellation() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());

        // A deadline in the past is refused; one an hour out is kept, and moved two hours later while the job runs.
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs", spec(clock.instant().minusSeconds(1))))).getStatus().getCode())
                .isEqualTo(422);
        Instant first = clock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long job = Api.num(api.post(requester, "/api/jobs", spec(first)).get("id"));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("d", 10));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        String jobPath = "/api/jobs/" + job;
        assertThat(Instant.parse((String) api.get(requester, jobPath).get("deadline"))).isEqualTo(first);
        Instant later = first.plus(Duration.ofHours(2));
        api.exchange(api.as(requester, HttpRequest.PATCH(jobPath, Map.of("deadline", later.toString()))));
        assertThat(Instant.parse((String) api.get(requester, jobPath).get("deadline"))).isEqualTo(later);
        assertThat(api.failure(api.as(requester, HttpRequest.PATCH(jobPath, Map.of("deadline", clock.instant().minusSeconds(60).toString()))))
                .getStatus().getCode()).isEqualTo(422);

        Api.Session worker = api.signUp("WORKER");
        assertThat(api.getList(worker, "/api/worker/jobs")).filteredOn(j -> Api.num(j.get("id")) == job).singleElement()
                .satisfies(j -> assertThat(Instant.parse((String) j.get("deadline"))).as("workers see when it ends").isEqualTo(later));
        assertThat(api.work(worker, job, 3, Api::byParity)).isEqualTo(3);

        // Past the first deadline nothing happens; a minute before the moved one a task is leased; past it the job ends.
        clock.advance(Duration.ofMinutes(90));
        lifecycle.expireDue();
        assertThat(api.get(requester, jobPath)).containsEntry("status", "PUBLISHED");
        clock.advance(Duration.between(clock.instant(), later.minusSeconds(60)));
        lifecycle.expireDue();
        assertThat(api.get(requester, jobPath)).containsEntry("status", "PUBLISHED");
        String lease = (String) api.post(worker, "/api/worker/tasks/next?jobId=" + job, "").get("assignmentId");
        long availableBefore = Api.num(api.get(requester, "/api/account").get("availableMinor"));
        clock.advance(Duration.ofMinutes(2));
        lifecycle.expireDue();
        assertThat(api.get(requester, jobPath)).containsEntry("status", "EXPIRED");
        assertThat(Api.num(api.get(requester, "/api/account").get("reservedMinor"))).isEqualTo(4 * PER_TASK); // 3 answers + 1 lease
        assertThat(Api.num(api.get(requester, "/api/account").get("availableMinor"))).isEqualTo(availableBefore + (10 * 2 - 4) * PER_TASK);
        assertThat(api.failure(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""))).getStatus().getCode()).isEqualTo(404);
        HttpClientResponseException ended = api.failure(api.as(requester, HttpRequest.POST(jobPath + "/cancel", Map.of())));
        assertThat(ended.getStatus().getCode()).isEqualTo(409);

        // The lease out is answered after the end, and paid with the rest; then the escrow is settled.
        api.post(worker, "/api/worker/tasks/" + lease + "/answer", Map.of("label", "positive"));
        clock.advance(Duration.ofHours(25));
        reviews.acceptDue();
        lifecycle.settleCancelled();
        assertThat(Api.num(api.get(requester, "/api/account").get("reservedMinor"))).isZero();
        assertThat(Api.num(api.get(worker, "/api/worker/earnings").get("balanceMinor"))).isEqualTo(4 * 10);

        List<Map<String, Object>> changes = api.getList(requester, jobPath + "/changes");
        assertThat(changes).extracting(c -> c.get("action")).containsExactly("SETTINGS", "EXPIRE");
        assertThat(changes.get(1).get("actorId")).isNull();
        assertThat((String) changes.get(1).get("note")).startsWith("deadline ");
        assertThat(changes.get(0).get("changes")).asString().contains("deadline");

        // A draft whose deadline passed cannot be published until it is moved.
        long draft = Api.num(api.post(requester, "/api/jobs", spec(clock.instant().plus(Duration.ofMinutes(5)))).get("id"));
        api.upload(requester, draft, "items", "text/csv", Api.itemsCsv("e", 2));
        clock.advance(Duration.ofMinutes(10));
        HttpClientResponseException passed = api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + draft + "/publish", Map.of())));
        assertThat(passed.getStatus().getCode()).isEqualTo(409);
        assertThat(passed.getResponse().getBody(String.class).orElseThrow()).contains("deadline-passed");
    }

    private static Map<String, Object> spec(Instant deadline) {
        return Map.of("title", "Due soon", "instructions", "Is the review positive?", "labels", List.of("positive", "negative"),
                "rewardMinor", 10, "overlapMin", 2, "overlapMax", 2, "goldRate", 0.0, "reviewWindowHours", 24, "deadline", deadline.toString());
    }
}
