package io.goldfinch.quality;

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

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ambiguous gold voided: g1 ("review number 901") has no right key, and the workers who "failed" it were penalised
 * for it. Retiring it with its answers voided takes those answers out of every worker's record, reverses and pays the
 * rejection it supported, and an answer that was in flight when it was voided is voided by the sweep.
 */
@MicronautTest
class GoldVoidTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    GoldRetirementService retirement;

    private long[] record(long worker) {
        return db.tx(c -> Db.one(c, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                "SELECT gold_answered, gold_correct FROM worker_gold_stats WHERE worker_id = ?", worker).orElse(new long[]{0, 0}));
    }

    private String item(String assignment) {
        return db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT i.external_id FROM assignment a JOIN item i ON i.id = a.item_id WHERE a.id = ?::uuid",
                assignment).orElseThrow());
    }

    private String normalAnswer(long job, long worker) {
        return db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT id::text FROM assignment WHERE job_id = ? AND worker_id = ? AND NOT is_gold "
                + "ORDER BY submitted_at LIMIT 1", job, worker).orElseThrow());
    }

    private String goldAnswer(long job, long worker, String gold) {
        return db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT a.id::text FROM assignment a JOIN item i ON i.id = a.item_id "
                + "WHERE a.job_id = ? AND a.worker_id = ? AND i.external_id = ?", job, worker, gold).orElseThrow());
    }

    @Test
    @SuppressWarnings("unchecked")
    void voidingAnAmbiguousGoldTakesItsAnswersOutOfEveryRecordAndReversesTheRejectionsItSupported() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.5, "overlapMin", 4, "overlapMax", 4), Api.itemsCsv("i", 16),
                "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 901\",positive\n");
        List<Api.Session> workers = List.of(api.signUp("WORKER"), api.signUp("WORKER"), api.signUp("WORKER"));
        for (Api.Session w : workers) {
            api.work(w, job, 100, Api::byParity);
        }
        Api.Session a = workers.get(0);
        String aNormal = normalAnswer(job, a.id());
        assertThat(api.post(requester, "/api/assignments/" + aNormal + "/reject", Map.of("reason", "failed a gold", "evidence", "FAILED_GOLDS")))
                .containsEntry("status", "REJECTED");
        long[][] before = workers.stream().map(w -> record(w.id())).toArray(long[][]::new);
        long aBalance = Api.num(api.get(a, "/api/worker/earnings").get("balanceMinor"));
        long reward = db.tx(x -> Db.scalarLong(x, "SELECT reward_minor FROM job WHERE id = ?", job));

        // A fourth worker holds g1's lease while it is voided.
        Api.Session late = api.signUp("WORKER");
        String held = null;
        for (int i = 0; i < 60 && held == null; i++) {
            HttpResponse<String> task = client.toBlocking().exchange(api.as(late, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")), String.class);
            assertThat(task.getStatus().getCode()).as("the job still has work for a fourth worker").isEqualTo(200);
            String id = Api.assignmentId(task.body());
            if (item(id).equals("g1")) {
                held = id;
            } else {
                api.post(late, "/api/worker/tasks/" + id + "/answer", Map.of("label", Api.byParity(task.body())));
            }
        }
        assertThat(held).as("g1 was handed to the fourth worker").isNotNull();

        Map<String, Object> voided = api.post(admin, "/api/jobs/" + job + "/golds/retire", Map.of("item", "g1", "voidAnswers", true));
        assertThat(voided).containsEntry("retired", true).containsKey("voidedAt");
        assertThat(Api.num(voided.get("answersVoided"))).isEqualTo(3);
        assertThat(Api.num(voided.get("workersRescored"))).isEqualTo(3);
        assertThat(Api.num(voided.get("rejectionsReversed"))).isEqualTo(1);
        assertThat(Api.num(voided.get("paidMinor"))).isEqualTo(reward);
        for (int w = 0; w < 3; w++) {
            assertThat(record(workers.get(w).id())).as("worker %d's gold record without the wrong g1", w)
                    .containsExactly(before[w][0] - 1, before[w][1]);
        }
        String status = db.tx(x -> Db.one(x, rs -> rs.getString(1), "SELECT status FROM assignment WHERE id = ?::uuid", aNormal).orElseThrow());
        assertThat(status).isEqualTo("ACCEPTED");
        assertThat(Api.num(api.get(a, "/api/worker/earnings").get("balanceMinor"))).isEqualTo(aBalance + reward);

        // The answer in flight is stored and counts until the sweep voids it too; a second sweep finds nothing.
        long[] lateBefore = record(late.id());
        api.post(late, "/api/worker/tasks/" + held + "/answer", Map.of("label", "negative"));
        assertThat(record(late.id())[0]).isEqualTo(lateBefore[0] + 1);
        assertThat(retirement.sweepVoided()).isEqualTo(1);
        assertThat(record(late.id())).containsExactly(lateBefore[0], lateBefore[1]);
        assertThat(retirement.sweepVoided()).isZero();

        // A voided gold cannot serve again, and its key is no evidence for a rejection.
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/golds/restore", Map.of("item", "g1")))).getStatus().getCode())
                .isEqualTo(409);
        String bOnG1 = goldAnswer(job, workers.get(1).id(), "g1");
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/assignments/" + bOnG1 + "/reject",
                Map.of("reason", "wrong on a gold", "evidence", "POSTERIOR")))).getStatus().getCode()).isEqualTo(422);
        Map<String, Object> g1 = ((List<Map<String, Object>>) api.get(requester, "/api/jobs/" + job + "/golds/health").get("golds")).stream()
                .filter(g -> g.get("item").equals("g1")).findFirst().orElseThrow();
        assertThat(g1).containsKey("voidedAt").containsKey("retiredAt");
        assertThat(Api.num(g1.get("answered"))).isEqualTo(4);
        assertThat(Api.num(g1.get("correct"))).as("answers matching the key, voided or not").isZero();
    }
}
