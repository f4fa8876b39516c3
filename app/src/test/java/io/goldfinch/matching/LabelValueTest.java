package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The value rule through the API: a job that says what a right label is worth stops buying answers that are not worth
 * their price, also when the value is set on a running job, and buys them when they are.
 */
@MicronautTest
class LabelValueTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    private Api api;
    private Api.Session requester;

    @BeforeEach
    void requester() {
        api = new Api(client.toBlocking(), users);
        requester = api.fundedRequester(api.admin());
    }

    @Test
    void itemsStopTakingAnswersWorthLessThanTheyCost() {
        // Up to three answers each, and a target one answer never meets (a worker without golds is taken as 0.75 right).
        Map<String, Object> spec = Map.of("goldRate", 0.0, "overlapMin", 1, "overlapMax", 3, "confidenceTarget", 0.99);
        long job = api.publishedJob(requester, spec, Api.itemsCsv("v", 4), null);
        String jobPath = "/api/jobs/" + job;
        assertThat(api.get(requester, jobPath).get("labelValueMinor")).isNull();
        Api.Session first = api.signUp("WORKER");
        List<Long> before = answer(first, job, 2);

        // A right label worth less than one answer costs: from now on one answer is all an item takes.
        api.exchange(api.as(requester, HttpRequest.PATCH(jobPath, Map.of("labelValueMinor", 5, "note", "labels are cheap to us"))));
        assertThat(Api.num(api.get(requester, jobPath).get("labelValueMinor"))).isEqualTo(5);
        List<Long> after = answer(first, job, 2);
        assertThat(after).doesNotContainAnyElementsOf(before).hasSize(2);

        // The second worker is offered only the two items answered before the change; they are still open.
        Api.Session second = api.signUp("WORKER");
        List<Long> offered = answer(second, job, 4);
        assertThat(offered).containsExactlyInAnyOrderElementsOf(before);
        // All four closed below the 0.99 target, none at the maximum: nothing waits for an expert, whose answer would
        // cost more than the requester says a label is worth.
        assertThat(Api.num(api.get(requester, jobPath + "/progress").get("itemsDone"))).isEqualTo(4);
        assertThat(Api.num(api.get(requester, jobPath + "/adjudication").get("pending"))).isZero();

        // 0 removes the value: the target alone decides again.
        api.exchange(api.as(requester, HttpRequest.PATCH(jobPath, Map.of("labelValueMinor", 0))));
        assertThat(api.get(requester, jobPath).get("labelValueMinor")).isNull();
    }

    @Test
    void aValuableLabelBuysTheAnswersThatCanStillChangeIt() {
        Map<String, Object> spec = Map.of("goldRate", 0.0, "overlapMin", 1, "overlapMax", 3, "confidenceTarget", 0.99, "labelValueMinor", 1_000_000);
        long job = api.publishedJob(requester, spec, Api.itemsCsv("w", 3), null);
        assertThat(Api.num(api.get(requester, "/api/jobs/" + job).get("labelValueMinor"))).isEqualTo(1_000_000);
        answer(api.signUp("WORKER"), job, 3);
        // Worth 100,000 answers, a label takes a second answer: two more disagreeing ones could still turn it.
        assertThat(answer(api.signUp("WORKER"), job, 3)).hasSize(3);
        // After two agreeing answers (0.9 each way), one more, the last the item has room for, cannot turn it: none is
        // bought, though the 0.99 target is not met.
        assertThat(answer(api.signUp("WORKER"), job, 3)).isEmpty();
    }

    @Test
    void aLabelValueMustBePositive() {
        HttpResponse<?> refused = api.failure(api.as(requester, HttpRequest.POST("/api/jobs", Map.of("title", "t", "instructions", "i",
                "labels", List.of("a", "b"), "rewardMinor", 10, "overlapMin", 1, "overlapMax", 2, "goldRate", 0.0, "reviewWindowHours", 1,
                "labelValueMinor", 0)))).getResponse();
        assertThat(refused.getStatus().getCode()).isEqualTo(400);
        assertThat(refused.getBody(String.class).orElseThrow()).contains("labelValueMinor");
    }

    /** The worker takes and answers up to {@code n} tasks of the job; returns their review numbers. */
    private List<Long> answer(Api.Session worker, long job, int n) {
        List<Long> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> task = client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")), String.class);
            if (task.getStatus().getCode() == 204) {
                break;
            }
            items.add(Api.reviewNumber(task.body()));
            api.post(worker, "/api/worker/tasks/" + Api.assignmentId(task.body()) + "/answer", Map.of("label", Api.byParity(task.body())));
        }
        return items;
    }
}
