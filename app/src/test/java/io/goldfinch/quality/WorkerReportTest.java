package io.goldfinch.quality;

import io.goldfinch.accounts.UserStore;
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

/** The workers report through the API: a straight-liner among honest workers is flagged and listed first; scoping. */
@MicronautTest
class WorkerReportTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;

    @Test
    @SuppressWarnings("unchecked")
    void aStraightLinerIsFlaggedAndHonestWorkersAreNot() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.2, "overlapMin", 4, "overlapMax", 4), Api.itemsCsv("i", 24),
                "id,text,label\n" + "g0,\"review number 900\",positive\ng1,\"review number 901\",negative\n"
                + "g2,\"review number 902\",positive\ng3,\"review number 903\",negative\ng4,\"review number 904\",positive\n");
        List<Api.Session> honest = List.of(api.signUp("WORKER"), api.signUp("WORKER"), api.signUp("WORKER"));
        Api.Session straight = api.signUp("WORKER");
        for (Api.Session w : honest) {
            api.work(w, job, 100, Api::byParity);
        }
        assertThat(api.work(straight, job, 100, t -> "positive")).isGreaterThanOrEqualTo(20);

        Map<String, Object> report = api.get(requester, "/api/jobs/" + job + "/workers");
        List<Map<String, Object>> workers = (List<Map<String, Object>>) report.get("workers");
        assertThat(workers).hasSize(4);
        assertThat(Api.num(workers.get(0).get("worker"))).as("flagged first").isEqualTo(straight.id());
        assertThat((List<String>) workers.get(0).get("flags")).contains("STRAIGHT_LINING");
        assertThat(((Number) workers.get(0).get("topLabelShare")).doubleValue()).isEqualTo(1.0);
        for (Map<String, Object> w : workers.subList(1, 4)) {
            assertThat((List<String>) w.get("flags")).as("honest worker %s", w.get("worker")).isEmpty();
            assertThat(Api.num(w.get("goldAnswered"))).isEqualTo(Api.num(w.get("goldCorrect"))).isPositive();
            assertThat(((Number) w.get("goldAccuracyLow")).doubleValue()).isLessThan(((Number) w.get("goldAccuracy")).doubleValue());
            assertThat(((Number) w.get("goldAccuracy")).doubleValue()).isLessThan(1.0);
        }
        assertThat((List<?>) report.get("suspiciousPairs")).isEmpty();

        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.GET("/api/jobs/" + job + "/workers"))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(straight, HttpRequest.GET("/api/jobs/" + job + "/workers"))).getStatus().getCode()).isEqualTo(403);
        assertThat((List<?>) api.get(admin, "/api/jobs/" + job + "/workers").get("workers")).hasSize(4);

        // A quality manager blocks the straight-liner: the report says so (and only of him).
        assertThat(workers).allSatisfy(w -> assertThat(w).containsEntry("blocked", false));
        client.toBlocking().exchange(api.as(admin, HttpRequest.PUT("/api/admin/users/" + straight.id() + "/blocked", Map.of("blocked", true))), String.class);
        List<Map<String, Object>> after = (List<Map<String, Object>>) api.get(admin, "/api/jobs/" + job + "/workers").get("workers");
        assertThat(after).filteredOn(w -> Boolean.TRUE.equals(w.get("blocked"))).singleElement()
                .satisfies(w -> assertThat(Api.num(w.get("worker"))).isEqualTo(straight.id()));

        // ... and gives another a skill: the report shows it, for him alone.
        assertThat(after).allSatisfy(w -> assertThat((List<?>) w.get("skills")).isEmpty());
        long skilled = Api.num(after.stream().filter(w -> !Boolean.TRUE.equals(w.get("blocked"))).findFirst().orElseThrow().get("worker"));
        client.toBlocking().exchange(api.as(admin, HttpRequest.PUT("/api/admin/users/" + skilled + "/skills", Map.of("skills", List.of("de", " medical ")))), String.class);
        List<Map<String, Object>> skills = (List<Map<String, Object>>) api.get(admin, "/api/jobs/" + job + "/workers").get("workers");
        assertThat(skills).filteredOn(w -> !((List<?>) w.get("skills")).isEmpty()).singleElement()
                .satisfies(w -> assertThat(w).containsEntry("skills", List.of("de", "medical")).containsEntry("worker", (int) skilled));
    }
}
