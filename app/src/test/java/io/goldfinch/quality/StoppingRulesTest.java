package io.goldfinch.quality;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
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

/**
 * A speed rule tried on past answers, then switched on: the what-if replay names the worker who answers in no time,
 * and once the job has the rule the matching engine stops that worker, and only him, at his next claim, saying why.
 * A job's own probation makes its minimum accuracy apply after fewer golds.
 */
@MicronautTest
class StoppingRulesTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;

    @Test
    @SuppressWarnings("unchecked")
    void aSpeedRuleSwitchedOnStopsTheWorkerTheReplayNamed() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "overlapMin", 2, "overlapMax", 2), Api.itemsCsv("s", 30), null);
        String jobPath = "/api/jobs/" + job;
        Api.Session hasty = api.signUp("WORKER");
        Api.Session careful = api.signUp("WORKER");
        answer(api, hasty, job, 5, Duration.ZERO);
        answer(api, careful, job, 5, Duration.ofSeconds(12));

        Map<String, Object> rule = Map.of("minAccuracy", 0.0, "minMedianSeconds", 3.0, "speedWindow", 4);
        Map<String, Object> replay = api.post(requester, jobPath + "/what-if", rule);
        List<Map<String, Object>> stopped = (List<Map<String, Object>>) replay.get("stopped");
        assertThat(stopped).singleElement().satisfies(s -> {
            assertThat(Api.num(s.get("worker"))).isEqualTo(hasty.id());
            assertThat(s.get("reason")).isEqualTo("speed");
        });

        // Out of range: refused, nothing changed.
        assertThat(api.failure(api.as(requester, HttpRequest.PATCH(jobPath, Map.of("minMedianSeconds", 5000.0)))).getStatus().getCode()).isEqualTo(400);
        assertThat(api.get(requester, jobPath).get("minMedianSeconds")).isEqualTo(0.0);
        api.exchange(api.as(requester, HttpRequest.PATCH(jobPath, Map.of("minMedianSeconds", 3.0, "speedWindow", 4, "note", "too fast to read"))));
        Map<String, Object> settings = api.get(requester, jobPath);
        assertThat(settings).containsEntry("minMedianSeconds", 3.0).containsEntry("speedWindow", 4).containsEntry("probationGolds", 5);

        HttpClientResponseException refused = api.failure(api.as(hasty, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
        assertThat(refused.getStatus().getCode()).isEqualTo(403);
        assertThat(refused.getResponse().getBody(String.class).orElseThrow())
                .contains("answering faster than the job allows (median 0.0 s over your last 4 answers; the job asks for 3.0 s)");
        // Asking for any job, he is not offered this one; the careful worker still is.
        HttpResponse<String> any = client.toBlocking().exchange(api.as(hasty, HttpRequest.POST("/api/worker/tasks/next", "")), String.class);
        assertThat(any.getStatus().getCode() == 204 || !any.body().contains("\"jobId\":" + job)).isTrue();
        assertThat(answer(api, careful, job, 1, Duration.ofSeconds(12))).isEqualTo(1);
        // The hasty worker is told why the job left his list; the careful one sees it open.
        assertThat(api.getList(hasty, "/api/worker/jobs/closed")).filteredOn(j -> Api.num(j.get("id")) == job).singleElement()
                .satisfies(j -> assertThat((String) j.get("reason")).startsWith("answering faster than the job allows"));
        assertThat(api.getList(careful, "/api/worker/jobs/closed")).noneMatch(j -> Api.num(j.get("id")) == job);
        assertThat(api.getList(careful, "/api/worker/jobs")).anyMatch(j -> Api.num(j.get("id")) == job);
        assertThat(api.getList(hasty, "/api/worker/jobs")).noneMatch(j -> Api.num(j.get("id")) == job);

        List<Map<String, Object>> changes = api.getList(requester, jobPath + "/changes");
        assertThat(changes).last().satisfies(c -> {
            assertThat(c.get("action")).isEqualTo("SETTINGS");
            assertThat((Map<String, Object>) c.get("changes")).containsOnlyKeys("minMedianSeconds", "speedWindow");
        });
    }

    @Test
    void aJobCreatedWithASpeedLimitTimesEachAnswer() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "overlapMin", 1, "overlapMax", 1, "minMedianSeconds", 2.0, "speedWindow", 3),
                Api.itemsCsv("t", 20), null);
        Api.Session steady = api.signUp("WORKER");
        Api.Session rushed = api.signUp("WORKER");
        // The rules are told before the first task.
        assertThat(api.getList(steady, "/api/worker/jobs")).filteredOn(j -> Api.num(j.get("id")) == job).singleElement()
                .satisfies(j -> assertThat(j.get("rules")).isEqualTo(Map.of("minAccuracy", 0.0, "probationGolds", 5, "minMedianSeconds", 2.0, "speedWindow", 3)));
        assertThat(answer(api, steady, job, 3, Duration.ofSeconds(5))).isEqualTo(3);
        assertThat(answer(api, rushed, job, 2, Duration.ofMillis(500))).isEqualTo(2);
        assertThat(answer(api, rushed, job, 1, Duration.ofSeconds(60))).as("two answers are not yet a window").isEqualTo(1);
        // Median of 0.5, 0.5 and 60 s is 0.5 s: stopped. The steady worker's median is 5 s.
        assertThat(api.failure(api.as(rushed, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, ""))).getStatus().getCode()).isEqualTo(403);
        assertThat(answer(api, steady, job, 1, Duration.ofSeconds(5))).isEqualTo(1);
    }

    @Test
    void aJobsOwnProbationAppliesItsMinimumAccuracyAfterFewerGolds() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        StringBuilder golds = new StringBuilder("id,text,label\n");
        for (int g = 0; g < 6; g++) {
            golds.append("pg").append(g).append(",\"review number ").append(700 + g).append("\",").append(g % 2 == 0 ? "positive" : "negative").append('\n');
        }
        // Every task a gold: a worker who answers two of them wrong is stopped before the default five.
        long job = api.publishedJob(requester, Map.of("goldRate", 0.5, "minAccuracy", 0.8, "probationGolds", 2), Api.itemsCsv("p", 4), golds.toString());
        assertThat(api.get(requester, "/api/jobs/" + job).get("probationGolds")).isEqualTo(2);
        Api.Session wrong = api.signUp("WORKER");
        int answered = 0;
        int goldsFailed = 0;
        while (goldsFailed < 2 && answered < 12) {
            HttpResponse<String> task = client.toBlocking().exchange(api.as(wrong, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")), String.class);
            assertThat(task.getStatus().getCode()).isEqualTo(200);
            long n = Api.reviewNumber(task.body());
            String right = n % 2 == 0 ? "positive" : "negative";
            api.post(wrong, "/api/worker/tasks/" + Api.assignmentId(task.body()) + "/answer", Map.of("label", right.equals("positive") ? "negative" : "positive"));
            goldsFailed += n >= 700 ? 1 : 0;
            answered++;
        }
        assertThat(goldsFailed).isEqualTo(2);
        HttpClientResponseException refused = api.failure(api.as(wrong, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
        assertThat(refused.getStatus().getCode()).isEqualTo(403);
        assertThat(refused.getResponse().getBody(String.class).orElseThrow()).contains("accuracy below the job's minimum");
    }

    /** The worker takes and answers up to {@code n} tasks, each {@code pace} after its lease on the test clock. */
    private int answer(Api api, Api.Session worker, long job, int n, Duration pace) {
        int done = 0;
        for (; done < n; done++) {
            HttpResponse<String> task = client.toBlocking().exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")), String.class);
            if (task.getStatus().getCode() == 204) {
                break;
            }
            clock.advance(pace);
            api.post(worker, "/api/worker/tasks/" + Api.assignmentId(task.body()) + "/answer", Map.of("label", Api.byParity(task.body())));
        }
        return done;
    }
}
