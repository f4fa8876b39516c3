package io.goldfinch.review;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.goldfinch.support.Api.num;
import static org.assertj.core.api.Assertions.assertThat;

/** Rejections must cite evidence the server can verify; the cap sends excess ones to a quality manager; appeals pay. */
@MicronautTest
class ReviewAndAppealsTest {

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
    Db db;

    @Test
    void eachAnswerIsAcceptedWhenItsOwnJobsReviewWindowHasPassedAndNotBefore() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 1_000);
        Api.Session worker = api.signUp("WORKER");
        Map<Integer, String> answered = new java.util.TreeMap<>();
        for (int hours : new int[]{1, 48, 0}) {
            long job = api.createJob(requester, Map.of("overlapMin", 1, "overlapMax", 1, "goldRate", 0.0, "reviewWindowHours", hours));
            api.upload(requester, job, "items", "text/csv", Api.itemsCsv("w" + hours + "-", 1));
            api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
            HttpResponse<Map<String, Object>> next = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
            String id = (String) next.body().get("assignmentId");
            api.post(worker, "/api/worker/tasks/" + id + "/answer", Map.of("label", "positive"));
            answered.put(hours, id);
        }
        java.util.function.Function<Integer, String> status = hours -> db.tx(c -> Db.one(c, rs -> rs.getString(1),
                "SELECT status FROM assignment WHERE id = ?::uuid", answered.get(hours)).orElseThrow());

        reviews.acceptDue();
        assertThat(List.of(status.apply(0), status.apply(1), status.apply(48))).containsExactly("ACCEPTED", "SUBMITTED", "SUBMITTED");
        clock.advance(Duration.ofMinutes(59));
        reviews.acceptDue();
        assertThat(status.apply(1)).isEqualTo("SUBMITTED");
        clock.advance(Duration.ofMinutes(2));
        reviews.acceptDue();
        assertThat(List.of(status.apply(1), status.apply(48))).containsExactly("ACCEPTED", "SUBMITTED");
        clock.advance(Duration.ofHours(47));
        reviews.acceptDue();
        assertThat(status.apply(48)).isEqualTo("ACCEPTED");
        assertThat(num(api.get(worker, "/api/worker/earnings").get("balanceMinor"))).as("three accepted answers paid").isEqualTo(30);
    }

    @Test
    void evidenceBoundRejectionsTheCapAndAnAppealThatPays() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(admin, requester.id(), 1_000_000);
        long job = api.createJob(requester, Map.of("overlapMin", 3, "overlapMax", 3, "goldRate", 0.0, "rewardMinor", 10));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("r", 10));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        List<Api.Session> workers = List.of(api.signUp("WORKER"), api.signUp("WORKER"), api.signUp("WORKER"));
        List<String> dissent = new ArrayList<>();
        List<String> agreeing = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            for (int n = 0; n < 10; n++) {
                HttpResponse<Map<String, Object>> next = api.exchange(api.as(workers.get(w), HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
                String id = (String) next.body().get("assignmentId");
                String label = w == 2 ? "negative" : "positive";
                api.post(workers.get(w), "/api/worker/tasks/" + id + "/answer", Map.of("label", label));
                (w == 2 ? dissent : agreeing).add(id);
            }
        }
        String rejectPath = "/api/assignments/%s/reject";
        // No failed golds exist, and the posterior agrees with the majority: such evidence is refused.
        assertThat(api.failure(api.as(requester, HttpRequest.POST(rejectPath.formatted(dissent.get(0)),
                Map.of("reason", "failed the golds", "evidence", "FAILED_GOLDS")))).getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(rejectPath.formatted(agreeing.get(0)),
                Map.of("reason", "I disagree", "evidence", "POSTERIOR")))).getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(rejectPath.formatted(dissent.get(0)),
                Map.of("reason", "no evidence given")))).getStatus().getCode()).isEqualTo(400);

        // The dissenting answers contradict the posterior: the first two rejections take effect, the third would pass the
        // cap (20% of at least 10 answers) and waits for a quality manager.
        assertThat(api.post(requester, rejectPath.formatted(dissent.get(0)), Map.of("reason", "contradicts the crowd", "evidence", "POSTERIOR"))
                .get("status")).isEqualTo("REJECTED");
        assertThat(api.post(requester, rejectPath.formatted(dissent.get(1)), Map.of("reason", "contradicts the crowd", "evidence", "POSTERIOR"))
                .get("status")).isEqualTo("REJECTED");
        assertThat(api.post(requester, rejectPath.formatted(dissent.get(2)), Map.of("reason", "contradicts the crowd", "evidence", "POSTERIOR"))
                .get("status")).isEqualTo("PENDING_QUALITY_REVIEW");

        Api.Session qm = api.admin();
        List<Map<String, Object>> pending = api.getList(qm, "/api/qm/rejections");
        Map<String, Object> held = pending.stream().filter(p -> dissent.get(2).equals(p.get("assignmentId"))).findFirst().orElseThrow();
        assertThat((String) held.get("evidence")).contains("POSTERIOR").contains("positive");
        assertThat(api.post(qm, "/api/qm/rejections/" + held.get("id") + "/deny", Map.of()).get("status")).isEqualTo("ACCEPTED");

        Api.Session dissenter = workers.get(2);
        long balanceBefore = num(api.get(dissenter, "/api/worker/earnings").get("balanceMinor"));
        long availableBefore = num(api.get(requester, "/api/account").get("availableMinor"));
        assertThat(balanceBefore).as("the denied rejection was accepted and paid").isEqualTo(10);
        // Another worker cannot appeal someone else's rejection.
        assertThat(api.failure(api.as(workers.get(0), HttpRequest.POST("/api/worker/assignments/" + dissent.get(0) + "/appeal",
                Map.of("message", "not mine")))).getStatus().getCode()).isEqualTo(404);
        Map<String, Object> appeal = api.post(dissenter, "/api/worker/assignments/" + dissent.get(0) + "/appeal",
                Map.of("message", "The review is sarcastic; it is negative."));
        assertThat(api.post(qm, "/api/qm/appeals/" + appeal.get("appealId") + "/reverse", Map.of("note", "sarcasm")).get("status"))
                .isEqualTo("REVERSED");
        assertThat(num(api.get(dissenter, "/api/worker/earnings").get("balanceMinor"))).isEqualTo(balanceBefore + 10);
        assertThat(num(api.get(requester, "/api/account").get("availableMinor"))).isEqualTo(availableBefore - 11);
        assertThat(api.failure(api.as(qm, HttpRequest.POST("/api/qm/appeals/" + appeal.get("appealId") + "/uphold", Map.of())))
                .getStatus().getCode()).isEqualTo(409);
    }

    @Test
    void aReversalTheRequesterCanNoLongerPayComesFromTheJobsEscrowAndPausesTheJobUntilToppedUp() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(admin, requester.id(), 330); // exactly the budget: 10 items x 3 answers x (10 + 1 fee)
        long job = api.createJob(requester, Map.of("overlapMin", 3, "overlapMax", 3, "goldRate", 0.0, "rewardMinor", 10));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("p", 10));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        List<Api.Session> workers = List.of(api.signUp("WORKER"), api.signUp("WORKER"), api.signUp("WORKER"));
        List<String> dissent = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            for (int n = 0; n < 10; n++) {
                HttpResponse<Map<String, Object>> next = api.exchange(api.as(workers.get(w), HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
                String id = (String) next.body().get("assignmentId");
                api.post(workers.get(w), "/api/worker/tasks/" + id + "/answer", Map.of("label", w == 2 ? "negative" : "positive"));
                if (w == 2) {
                    dissent.add(id);
                }
            }
        }
        assertThat(api.post(requester, "/api/assignments/" + dissent.get(0) + "/reject",
                Map.of("reason", "contradicts the crowd", "evidence", "POSTERIOR")).get("status")).isEqualTo("REJECTED");
        assertThat(num(api.get(requester, "/api/account").get("availableMinor"))).isEqualTo(11);
        // The requester spends the returned 11 on another job.
        long other = api.createJob(requester, Map.of("overlapMin", 1, "overlapMax", 1, "goldRate", 0.0, "rewardMinor", 10));
        api.upload(requester, other, "items", "text/csv", Api.itemsCsv("q", 1));
        api.post(requester, "/api/jobs/" + other + "/publish", Map.of());
        assertThat(num(api.get(requester, "/api/account").get("availableMinor"))).isZero();

        Api.Session dissenter = workers.get(2);
        long balanceBefore = num(api.get(dissenter, "/api/worker/earnings").get("balanceMinor"));
        Map<String, Object> appeal = api.post(dissenter, "/api/worker/assignments/" + dissent.get(0) + "/appeal",
                Map.of("message", "The review is sarcastic; it is negative."));
        assertThat(api.post(admin, "/api/qm/appeals/" + appeal.get("appealId") + "/reverse", Map.of("note", "sarcasm")).get("status"))
                .isEqualTo("REVERSED");
        assertThat(num(api.get(dissenter, "/api/worker/earnings").get("balanceMinor"))).as("the reversal pays").isEqualTo(balanceBefore + 10);
        assertThat(api.get(requester, "/api/jobs/" + job).get("status")).as("the escrow no longer covers the submitted work").isEqualTo("PAUSED");

        api.credit(admin, requester.id(), 11);
        api.post(requester, "/api/jobs/" + job + "/top-up", Map.of("amountMinor", 11, "reference", "after-appeal"));
        assertThat(api.get(requester, "/api/jobs/" + job).get("status")).isEqualTo("PUBLISHED");
    }
}
