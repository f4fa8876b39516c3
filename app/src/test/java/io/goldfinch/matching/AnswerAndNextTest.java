package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/worker/tasks/{id}/answer?next=true}: the answer and the next lease in one call. */
@MicronautTest
class AnswerAndNextTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    TestClock clock;

    Api api;

    private long publishedJob(Api.Session requester, Map<String, Object> settings, int items, String golds) {
        api.credit(api.admin(), requester.id(), 10_000_000);
        long job = api.createJob(requester, settings);
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("n", items));
        if (golds != null) {
            api.upload(requester, job, "golds", "text/csv", golds);
        }
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        return job;
    }

    private HttpResponse<String> answerAndNext(Api.Session worker, Object assignmentId, String label, long job) {
        return client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + assignmentId + "/answer?next=true&jobId=" + job,
                Map.of("label", label))), String.class);
    }

    /** The worker's first task of the job, leased the usual way: its assignment id. */
    private String firstTask(Api.Session worker, long job) {
        return Api.assignmentId(client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")),
                String.class).body());
    }

    /** The assignment id of the nested {@code next} task, or null when the response has none. */
    private static String nextOf(String json) {
        int n = json.indexOf("\"next\":{");
        return n < 0 ? null : Api.assignmentId(json.substring(n));
    }

    private boolean isGold(String assignmentId) {
        return db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE id = ?::uuid AND is_gold", assignmentId)) == 1;
    }

    @Test
    void eachAnswerBringsTheNextTaskUntilTheJobRunsOutAndGoldsStayIndistinguishable() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        StringBuilder golds = new StringBuilder("id,text,label\n");
        for (int i = 0; i < 8; i++) {
            golds.append("g").append(i).append(",\"review number ").append(500 + i).append("\",positive\n");
        }
        long job = publishedJob(requester, Map.of("overlapMin", 1, "overlapMax", 1, "goldRate", 0.4), 12, golds.toString());
        Api.Session worker = api.signUp("WORKER");

        String current = firstTask(worker, job);
        List<String> answered = new ArrayList<>();
        Set<String> shapes = new TreeSet<>();
        int goldAnswers = 0;
        while (current != null && answered.size() < 40) {
            HttpResponse<String> r = answerAndNext(worker, current, "positive", job);
            assertThat(r.getStatus().getCode()).isEqualTo(200);
            String body = r.body();
            assertThat(Api.assignmentId(body)).isEqualTo(current);
            assertThat(body).doesNotContain("gold").doesNotContain("label\":\"").doesNotContain("exam");
            answered.add(current);
            goldAnswers += isGold(current) ? 1 : 0;
            current = nextOf(body);
            if (current != null) {
                // Whether the answered task or the next one is a gold, the response has the same shape.
                shapes.add(Api.shape(body));
            } else {
                assertThat(body).doesNotContain("\"next\"");
            }
        }
        assertThat(goldAnswers).as("golds were mixed in").isPositive();
        assertThat(answered).as("every item, plus the golds served, answered with one request each")
                .hasSize(12 + goldAnswers).doesNotHaveDuplicates();
        assertThat(shapes).hasSize(1);
        assertThat(client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")))
                .getStatus().getCode()).as("the job has nothing left for this worker").isEqualTo(204);
        db.tx(c -> {
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND worker_id = ? AND status = 'SUBMITTED'", job, worker.id()))
                    .isEqualTo(answered.size());
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND status = 'LEASED'", job)).isZero();
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold AND closed_at IS NULL", job)).isZero();
            return null;
        });
    }

    @Test
    void aLateAnswerIsRefusedAndLeasesNothing() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, Map.of("overlapMin", 1, "overlapMax", 1, "goldRate", 0.0), 3, null);
        Api.Session worker = api.signUp("WORKER");
        String id = firstTask(worker, job);
        clock.advance(Duration.ofSeconds(3600));
        HttpClientResponseException late = api.failure(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + id + "/answer?next=true&jobId=" + job,
                Map.of("label", "positive"))));
        assertThat(late.getStatus().getCode()).isEqualTo(409);
        assertThat(late.getResponse().getBody(String.class).orElseThrow()).contains("lease-expired");
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE worker_id = ?", worker.id()))).as("no new lease").isEqualTo(1);
        // The next task taken for the refused answer was given back whole: the worker can still be served both other items.
        for (int i = 0; i < 2; i++) {
            assertThat(firstTask(worker, job)).as("item %d of the other two", i + 1).isNotNull();
        }
        assertThat(client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")))
                .getStatus().getCode()).isEqualTo(204);
    }

    @Test
    void anAnswerThatEndsTheWorkersExamIsStoredWithFeedbackAndNoNextTask() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, Map.of("goldRate", 0.0, "examSize", 2, "examPassShare", 1.0, "examSeats", 5,
                "overlapMin", 1, "overlapMax", 1), 4, "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 901\",positive\n");
        Api.Session poor = api.signUp("WORKER");
        String first = firstTask(poor, job);
        String body = answerAndNext(poor, first, "negative", job).body();
        assertThat(body).contains("\"exam\":{").contains("\"correct\":false");
        String second = nextOf(body);
        assertThat(second).as("the second exam task comes with the first answer").isNotNull();
        assertThat(isGold(second)).isTrue();

        HttpResponse<String> last = answerAndNext(poor, second, "negative", job);
        assertThat(last.getStatus().getCode()).as("the answer is stored even though no next task can be leased").isEqualTo(200);
        assertThat(last.body()).contains("\"answered\":2").doesNotContain("\"next\"");
        assertThat(api.failure(api.as(poor, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""))).getStatus().getCode())
                .as("asking separately says why").isEqualTo(403);
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE worker_id = ? AND status = 'SUBMITTED'", poor.id())))
                .isEqualTo(2);
    }

    @Test
    void malformedParametersAreRejectedWithAProblemAndNothingIsStored() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = publishedJob(requester, Map.of("overlapMin", 1, "overlapMax", 1, "goldRate", 0.0), 2, null);
        Api.Session worker = api.signUp("WORKER");
        String id = firstTask(worker, job);
        Set<Integer> statuses = new HashSet<>();
        for (String query : List.of("?jobId=" + job, "?next=perhaps", "?next=true&jobId=abc")) {
            HttpClientResponseException e = api.failure(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + id + "/answer" + query,
                    Map.of("label", "positive"))));
            statuses.add(e.getStatus().getCode());
            assertThat(e.getResponse().getContentType().map(Object::toString).orElse("")).as(query).contains("problem+json");
        }
        // 422 for a value the API refuses (our own validation), 400 for one that does not parse (jobId=abc).
        assertThat(statuses).containsExactlyInAnyOrder(400, 422);
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE worker_id = ? AND label IS NOT NULL", worker.id()))).isZero();
    }
}
