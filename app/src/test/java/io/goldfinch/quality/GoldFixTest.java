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
 * A wrong gold corrected: three honest workers all "failed" gold g1 (its key said positive; review 901 is negative),
 * and the requester rejected answers on that evidence, one of them appealed. Correcting the key re-scores the three
 * answers and the workers' gold records, reverses and pays the three rejections, and settles the appeal.
 */
@MicronautTest
class GoldFixTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    private String assignment(long job, long worker, boolean gold) {
        return db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT a.id::text FROM assignment a JOIN item i ON i.id = a.item_id WHERE a.job_id = ? "
                + "AND a.worker_id = ? AND a.is_gold = ? AND (NOT a.is_gold OR i.external_id = 'g1') ORDER BY a.submitted_at LIMIT 1", job, worker, gold).orElseThrow());
    }

    private String status(String table, Object id) {
        return db.tx(x -> Db.one(x, rs -> rs.getString(1), "SELECT status FROM " + table + " WHERE id = ?::uuid", id).orElseThrow());
    }

    private long goldCorrect(long worker) {
        return db.tx(c -> Db.scalarLong(c, "SELECT gold_correct FROM worker_gold_stats WHERE worker_id = ?", worker));
    }

    @Test
    @SuppressWarnings("unchecked")
    void correctingAWrongGoldRescoresItsAnswersAndReversesAndPaysTheRejectionsItCaused() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.3, "overlapMin", 3, "overlapMax", 3), Api.itemsCsv("i", 12),
                "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 901\",positive\n");
        List<Api.Session> workers = List.of(api.signUp("WORKER"), api.signUp("WORKER"), api.signUp("WORKER"));
        for (Api.Session w : workers) {
            api.work(w, job, 100, Api::byParity);
        }
        Api.Session a = workers.get(0);
        Api.Session b = workers.get(1);
        Api.Session c = workers.get(2);
        String aNormal = assignment(job, a.id(), false);
        String bOnGold = assignment(job, b.id(), true);
        String cNormal = assignment(job, c.id(), false);
        assertThat(api.post(requester, "/api/assignments/" + aNormal + "/reject", Map.of("reason", "failed a gold", "evidence", "FAILED_GOLDS")))
                .containsEntry("status", "REJECTED");
        assertThat(api.post(requester, "/api/assignments/" + bOnGold + "/reject", Map.of("reason", "wrong on a gold", "evidence", "POSTERIOR")))
                .containsEntry("status", "REJECTED");
        assertThat(api.post(requester, "/api/assignments/" + cNormal + "/reject", Map.of("reason", "failed a gold", "evidence", "FAILED_GOLDS")))
                .containsEntry("status", "REJECTED");
        Map<String, Object> appeal = api.post(c, "/api/worker/assignments/" + cNormal + "/appeal", Map.of("message", "Review 901 is plainly negative."));
        // What the workers see of their rejections: the evidence's kind and size, never which items were golds or a key.
        List<Map<String, Object>> aSees = api.getList(a, "/api/worker/rejections");
        assertThat(aSees).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("assignmentId", aNormal).containsEntry("evidence", "FAILED_GOLDS").containsEntry("status", "REJECTED")
                    .containsEntry("reason", "failed a gold").containsEntry("appealStatus", null);
            assertThat(Api.num(r.get("failedGolds"))).isEqualTo(1);
        });
        String bSees = api.getText(b, "/api/worker/rejections");
        assertThat(bSees).contains("\"evidence\":\"POSTERIOR\"").contains("\"crowdConfidence\":1.0").doesNotContain("g1").doesNotContain("positive");
        assertThat(api.getText(a, "/api/worker/rejections")).doesNotContain("g1");
        assertThat(api.getList(c, "/api/worker/rejections")).singleElement().satisfies(r -> assertThat(r).containsEntry("appealStatus", "PENDING"));
        long[] correctBefore = workers.stream().mapToLong(w -> goldCorrect(w.id())).toArray();
        long[] balanceBefore = workers.stream().mapToLong(w -> Api.num(api.get(w, "/api/worker/earnings").get("balanceMinor"))).toArray();
        long reward = db.tx(x -> Db.scalarLong(x, "SELECT reward_minor FROM job WHERE id = ?", job));

        Map<String, Object> fixed = api.post(requester, "/api/jobs/" + job + "/golds/corrections", Map.of("item", "g1", "label", "negative"));
        assertThat(fixed).containsEntry("oldLabel", "positive").containsEntry("newLabel", "negative");
        assertThat(Api.num(fixed.get("answersRescored"))).isEqualTo(3);
        assertThat(Api.num(fixed.get("workersRescored"))).isEqualTo(3);
        assertThat(Api.num(fixed.get("rejectionsReversed"))).isEqualTo(3);
        assertThat(Api.num(fixed.get("paidMinor"))).isEqualTo(3 * reward);
        for (int w = 0; w < 3; w++) {
            assertThat(goldCorrect(workers.get(w).id())).as("worker %d's gold record", w).isEqualTo(correctBefore[w] + 1);
            assertThat(Api.num(api.get(workers.get(w), "/api/worker/earnings").get("balanceMinor"))).as("worker %d paid", w)
                    .isEqualTo(balanceBefore[w] + reward);
        }
        for (String id : List.of(aNormal, bOnGold, cNormal)) {
            assertThat(status("assignment", id)).isEqualTo("ACCEPTED");
        }
        assertThat(status("appeal", appeal.get("appealId"))).isEqualTo("REVERSED");
        assertThat(api.getList(a, "/api/worker/rejections")).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "ACCEPTED"));
        assertThat(api.getList(c, "/api/worker/rejections")).singleElement().satisfies(r -> assertThat(r).containsEntry("appealStatus", "REVERSED")
                .containsEntry("status", "ACCEPTED"));
        Map<String, Object> g1 = ((List<Map<String, Object>>) api.get(requester, "/api/jobs/" + job + "/golds/health").get("golds")).stream()
                .filter(g -> g.get("item").equals("g1")).findFirst().orElseThrow();
        assertThat(g1).containsEntry("goldLabel", "negative");
        assertThat(Api.num(g1.get("correct"))).isEqualTo(3);

        // The same correction again changes nothing; errors; scoping.
        Map<String, Object> again = api.post(requester, "/api/jobs/" + job + "/golds/corrections", Map.of("item", "g1", "label", "negative"));
        assertThat(Api.num(again.get("answersRescored")) + Api.num(again.get("rejectionsReversed"))).isZero();
        String path = "/api/jobs/" + job + "/golds/corrections";
        assertThat(api.failure(api.as(requester, HttpRequest.POST(path, Map.of("item", "g1", "label", "neutral")))).getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(path, Map.of("item", "i0", "label", "negative")))).getStatus().getCode()).isEqualTo(409);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(path, Map.of("item", "nope", "label", "negative")))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.POST(path, Map.of("item", "g1", "label", "positive")))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(a, HttpRequest.POST(path, Map.of("item", "g1", "label", "positive")))).getStatus().getCode()).isEqualTo(403);
        // An appeal decided after the correction cannot pay twice.
        assertThat(api.failure(api.as(admin, HttpRequest.POST("/api/qm/appeals/" + appeal.get("appealId") + "/reverse", Map.of()))).getStatus().getCode())
                .isEqualTo(409);
    }
}
