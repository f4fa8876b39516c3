package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A job with an exam: golds first, with feedback and hints; the job opens only to those who pass. */
@MicronautTest
class ExamTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    Api api;
    long job;

    private HttpResponse<Map<String, Object>> next(Api.Session worker) {
        return api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
    }

    private Map<String, Object> answer(Api.Session worker, Map<String, Object> task, String label) {
        return api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + task.get("assignmentId") + "/answer",
                Map.of("label", label)))).body();
    }

    private boolean isGold(Map<String, Object> task) {
        return db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE id = ?::uuid AND is_gold",
                task.get("assignmentId").toString())) == 1;
    }

    @Test
    void workersPassTheExamWithFeedbackBeforeTheItemsOpenAndThoseWhoFailAreKeptOut() {
        api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 1_000_000);
        job = api.createJob(requester, Map.of("goldRate", 0.0, "examSize", 2, "examPassShare", 1.0, "examSeats", 5,
                "overlapMin", 1, "overlapMax", 1));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("e", 5));
        api.upload(requester, job, "golds", "text/csv",
                "id,text,label,hint\ng0,\"review number 900\",positive,\"Praise means positive.\"\ng1,\"review number 901\",positive,\ng2,\"review number 902\",positive,\n");
        Map<String, Object> quote = api.get(requester, "/api/jobs/" + job + "/quote");
        assertThat(Api.num(quote.get("goldTasks"))).as("exam answers are budgeted: 2 golds x 5 seats").isEqualTo(10);
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());

        Api.Session good = api.signUp("WORKER");
        for (int i = 1; i <= 2; i++) {
            Map<String, Object> task = next(good).body();
            assertThat(isGold(task)).as("exam task %d is a gold", i).isTrue();
            assertThat(((Map<?, ?>) task.get("data")).containsKey("hint")).isFalse();
            Map<String, Object> feedback = answer(good, task, "positive");
            Map<?, ?> exam = (Map<?, ?>) feedback.get("exam");
            assertThat(exam.get("correct")).isEqualTo(true);
            assertThat(exam.get("expected")).isEqualTo("positive");
            assertThat(Api.num(exam.get("answered"))).isEqualTo(i);
        }
        Map<String, Object> work = next(good).body();
        assertThat(isGold(work)).as("after passing, the items open").isFalse();
        assertThat(answer(good, work, "negative")).doesNotContainKey("exam");

        Api.Session poor = api.signUp("WORKER");
        for (int i = 0; i < 2; i++) {
            Map<String, Object> feedback = answer(poor, next(poor).body(), "negative");
            assertThat(((Map<?, ?>) feedback.get("exam")).get("correct")).isEqualTo(false);
        }
        assertThat(api.failure(api.as(poor, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""))).getStatus().getCode())
                .isEqualTo(403);
        assertThat(api.getList(poor, "/api/worker/jobs")).noneMatch(j -> Api.num(j.get("id")) == job);
    }
}
