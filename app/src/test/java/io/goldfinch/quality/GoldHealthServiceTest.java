package io.goldfinch.quality;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Gold health end to end: workers answer hidden golds in the normal labeling loop; each gold's crowd view is the sum of
 * its answers' evidence, each weighed by the worker's gold record before that answer (tracked here independently, in
 * the order the workers answered); a gold whose key the crowd contradicts is flagged. Only the job's requester and
 * quality managers see it.
 */
@MicronautTest
class GoldHealthServiceTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    private static final List<String> LABELS = List.of("positive", "negative");

    @Test
    @SuppressWarnings("unchecked")
    void aGoldTheCrowdContradictsIsFlaggedWithTheCrowdsViewOfIt() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.createJob(requester, Map.of("goldRate", 0.5));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", 30));
        // g0's key is right, g1's is wrong (every worker answers negative), g2 splits the crowd (2 of 6 match its key).
        api.upload(requester, job, "golds", "text/csv", "id,text,label\ng0,\"review number 900\",positive\n"
                + "g1,\"review number 901\",positive\ng2,\"review number 902\",negative\n");
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());

        Map<String, double[]> evidence = new HashMap<>();
        Map<String, Integer> answers = new HashMap<>();
        for (int w = 0; w < 6; w++) {
            Api.Session worker = api.signUp("WORKER");
            long answered = 0;
            long correct = 0;
            for (int n = 0; n < 40 && answered < 3; n++) {
                HttpResponse<Map<String, Object>> task = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
                assertThat(task.getStatus().getCode()).isEqualTo(HttpStatus.OK.getCode());
                UUID id = UUID.fromString((String) task.body().get("assignmentId"));
                String item = db.tx(c -> Db.one(c, rs -> rs.getString(1),
                        "SELECT i.external_id FROM assignment a JOIN item i ON i.id = a.item_id WHERE a.id = ?", id).orElseThrow());
                String label = switch (item) {
                    case "g1" -> "negative";
                    case "g2" -> w < 2 ? "negative" : "positive";
                    default -> "positive";
                };
                if (item.startsWith("g")) {
                    double[] e = GoldHealth.answerEvidence(2, LABELS.indexOf(label), WorkerAccuracy.estimate(correct, answered));
                    evidence.merge(item, e, (a, b) -> new double[]{a[0] + b[0], a[1] + b[1]});
                    answers.merge(item, 1, Integer::sum);
                    answered++;
                    correct += item.equals("g0") || (item.equals("g2") && label.equals("negative")) ? 1 : 0;
                }
                api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/" + id + "/answer", Map.of("label", label))));
            }
            assertThat(answered).as("worker %d saw every gold", w).isEqualTo(3);
        }

        Map<String, Object> report = api.get(requester, "/api/jobs/" + job + "/golds/health");
        Map<String, Map<String, Object>> golds = new HashMap<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) report.get("golds")) {
            golds.put((String) g.get("item"), g);
        }
        assertThat(golds).containsOnlyKeys("g0", "g1", "g2");
        for (String g : golds.keySet()) {
            GoldHealth.CrowdView expected = GoldHealth.view(evidence.get(g));
            assertThat(golds.get(g).get("crowdLabel")).as(g).isEqualTo(LABELS.get(expected.label()));
            assertThat(((Number) golds.get(g).get("crowdConfidence")).doubleValue()).as(g).isCloseTo(expected.confidence(), within(1e-9));
            assertThat(Api.num(golds.get(g).get("crowdAnswers"))).as(g).isEqualTo(6);
            assertThat(Api.num(golds.get(g).get("answered"))).as(g).isEqualTo(6);
            assertThat(Api.num(golds.get(g).get("shown"))).as(g).isEqualTo(6);
        }
        assertThat(golds.get("g0")).containsEntry("flag", "OK").containsEntry("crowdLabel", "positive");
        assertThat(Api.num(golds.get("g0").get("correct"))).isEqualTo(6);
        assertThat(golds.get("g1")).containsEntry("flag", "PROBABLY_WRONG").containsEntry("crowdLabel", "negative");
        assertThat(((Number) golds.get("g1").get("crowdConfidence")).doubleValue()).isGreaterThan(0.95);
        assertThat(Api.num(golds.get("g2").get("correct"))).isEqualTo(2);
        assertThat(golds.get("g2").get("flag")).isIn("AMBIGUOUS", "PROBABLY_WRONG");
        assertThat(Api.num(report.get("probablyWrong")) + Api.num(report.get("ambiguous"))).isEqualTo(2);

        // Scoped: another requester gets 404, a worker 403; a quality manager sees any job.
        Api.Session other = api.signUp("REQUESTER");
        assertThat(api.failure(api.as(other, HttpRequest.GET("/api/jobs/" + job + "/golds/health"))).getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        Api.Session worker = api.signUp("WORKER");
        assertThat(api.failure(api.as(worker, HttpRequest.GET("/api/jobs/" + job + "/golds/health"))).getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode());
        assertThat((List<?>) api.get(admin, "/api/jobs/" + job + "/golds/health").get("golds")).hasSize(3);
    }
}
