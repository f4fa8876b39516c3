package io.goldfinch.quality;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What-if replay through the API: a worker who gets every gold wrong would have been stopped by a 0.7 minimum; the
 * report names him, counts the answers and money saved, and compares the labels; nothing stored changes.
 */
@MicronautTest
class WhatIfTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    @Test
    @SuppressWarnings("unchecked")
    void aMinimumAccuracyRuleReplayedOnPastAnswersStopsTheWorkerWhoFailsGolds() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.createJob(requester, Map.of("goldRate", 0.3, "overlapMin", 3, "overlapMax", 3));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", 20));
        StringBuilder golds = new StringBuilder("id,text,label\n");
        for (int g = 0; g < 10; g++) {
            golds.append("g").append(g).append(",\"review number ").append(900 + g).append("\",").append(g % 2 == 0 ? "positive" : "negative").append('\n');
        }
        api.upload(requester, job, "golds", "text/csv", golds.toString());
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        java.util.function.Function<String, String> truth = Api::byParity;
        Api.Session good1 = api.signUp("WORKER");
        Api.Session good2 = api.signUp("WORKER");
        Api.Session bad = api.signUp("WORKER");
        api.work(good1, job, 100, truth);
        api.work(bad, job, 100, t -> truth.apply(t).equals("positive") ? "negative" : "positive");
        api.work(good2, job, 100, truth);
        long answersBefore = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND status = 'SUBMITTED'", job));

        Map<String, Object> report = api.post(requester, "/api/jobs/" + job + "/what-if", Map.of("minAccuracy", 0.7));
        assertThat(Api.num(report.get("answers"))).isEqualTo(answersBefore);
        List<Map<String, Object>> stopped = (List<Map<String, Object>>) report.get("stopped");
        assertThat(stopped).singleElement().satisfies(s -> {
            assertThat(Api.num(s.get("worker"))).isEqualTo(bad.id());
            assertThat(s.get("reason")).isEqualTo("accuracy");
            assertThat(Api.num(s.get("goldAnswered"))).isEqualTo(5);
            assertThat(Api.num(s.get("goldCorrect"))).isZero();
        });
        long removed = Api.num(report.get("answersRemoved"));
        assertThat(removed).isEqualTo(Api.num(stopped.get(0).get("answersRemoved"))).isPositive();
        long cost = db.tx(c -> Db.scalarLong(c, "SELECT reward_minor + fee_minor FROM assignment WHERE job_id = ? LIMIT 1", job));
        assertThat(Api.num(report.get("costSavedMinor"))).isEqualTo(removed * cost);
        assertThat(Api.num(report.get("itemsCompared"))).isEqualTo(20);
        assertThat(Api.num(report.get("labelsChanged")) + Api.num(report.get("itemsLeftWithoutAnswers")))
                .isEqualTo(((List<?>) report.get("examples")).size());

        // A lenient rule stops nobody; a stored answer is untouched either way.
        Map<String, Object> lenient = api.post(requester, "/api/jobs/" + job + "/what-if", Map.of("minAccuracy", 0.1));
        assertThat((List<?>) lenient.get("stopped")).isEmpty();
        assertThat(Api.num(lenient.get("answersRemoved"))).isZero();
        long answersAfter = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND status = 'SUBMITTED'", job));
        assertThat(answersAfter).isEqualTo(answersBefore);

        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/what-if", Map.of("minAccuracy", 1.5)))).getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.POST("/api/jobs/" + job + "/what-if", Map.of("minAccuracy", 0.7)))).getStatus().getCode())
                .isEqualTo(404);
        assertThat(api.failure(api.as(bad, HttpRequest.POST("/api/jobs/" + job + "/what-if", Map.of("minAccuracy", 0.7)))).getStatus().getCode()).isEqualTo(403);
    }
}
