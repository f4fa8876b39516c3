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
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gold set shared by two jobs: added to a draft and to a running job, its golds are served in both; its statistics
 * sum both jobs' answers; retiring a set gold retires it in both; correcting a wrong key re-scores both jobs' answers.
 */
@MicronautTest
class GoldSetsTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    private Set<String> goldsServed(long job, long worker) {
        return Set.copyOf(db.tx(c -> Db.list(c, rs -> rs.getString(1), "SELECT i.external_id FROM assignment a JOIN item i ON i.id = a.item_id "
                + "WHERE a.job_id = ? AND a.worker_id = ? AND a.is_gold", job, worker)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> golds(Map<String, Object> detail) {
        Map<String, Map<String, Object>> byItem = new java.util.HashMap<>();
        ((List<Map<String, Object>>) detail.get("golds")).forEach(g -> byItem.put((String) g.get("item"), g));
        return byItem;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSetSharedByTwoJobsIsServedScoredRetiredAndCorrectedInBoth() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        Map<String, Object> created = api.post(requester, "/api/gold-sets", Map.of("name", "Review sentiment golds", "labels", List.of("positive", "negative")));
        long set = Api.num(created.get("id"));
        String base = "/api/gold-sets/" + set;
        // s1's key is wrong: review 901 is negative (odd), as every worker below will say.
        Map<String, Object> report = upload(api, requester, base + "/golds",
                "id,text,label\ns0,\"review number 900\",positive\ns1,\"review number 901\",positive\ns2,\"review number 902\",positive\n"
                        + "s3,\"review number 903\",neutral\ns0,\"review number 900\",positive\n");
        assertThat(Api.num(report.get("accepted"))).isEqualTo(3);
        assertThat(Api.num(report.get("rejected"))).as("a label outside the set, a repeated id").isEqualTo(2);

        // Job a: the set added while a draft (twice: the second time adds nothing); job b: added while it runs.
        long a = api.createJob(requester, Map.of("goldRate", 0.5, "overlapMin", 1, "overlapMax", 4));
        api.upload(requester, a, "items", "text/csv", Api.itemsCsv("i", 40));
        Map<String, Object> addedA = api.post(requester, base + "/jobs/" + a, Map.of());
        assertThat(Api.num(addedA.get("added"))).isEqualTo(3);
        Map<String, Object> again = api.post(requester, base + "/jobs/" + a, Map.of());
        assertThat(Api.num(again.get("added"))).isZero();
        assertThat(Api.num(again.get("alreadyInJob"))).isEqualTo(3);
        api.post(requester, "/api/jobs/" + a + "/publish", Map.of());
        long b = api.publishedJob(requester, Map.of("goldRate", 0.5, "overlapMin", 1, "overlapMax", 4), Api.itemsCsv("i", 40),
                "id,text,label\nb0,\"review number 904\",positive\n");
        Map<String, Object> addedB = api.post(requester, base + "/jobs/" + b, Map.of());
        assertThat(Api.num(addedB.get("added"))).isEqualTo(3);
        assertThat(Api.num(addedB.get("goldsInService"))).isEqualTo(4);

        List<Api.Session> workers = List.of(api.signUp("WORKER"), api.signUp("WORKER"));
        for (Api.Session w : workers) {
            api.work(w, a, 30, Api::byParity); // 3 gold draws in 30 at rate 0.5: all but certain
            api.work(w, b, 30, Api::byParity);
            assertThat(goldsServed(a, w.id())).containsExactlyInAnyOrder("s0", "s1", "s2");
            assertThat(goldsServed(b, w.id())).containsExactlyInAnyOrder("s0", "s1", "s2", "b0");
        }
        Map<String, Object> detail = api.get(requester, base);
        assertThat(Api.num(((Map<String, Object>) detail.get("set")).get("jobs"))).isEqualTo(2);
        Map<String, Map<String, Object>> byItem = golds(detail);
        assertThat(Api.num(byItem.get("s1").get("jobs"))).isEqualTo(2);
        assertThat(Api.num(byItem.get("s1").get("answered"))).as("two workers in two jobs").isEqualTo(4);
        assertThat(Api.num(byItem.get("s1").get("correct"))).isZero();
        assertThat(Api.num(byItem.get("s0").get("correct"))).isEqualTo(4);
        assertThat(byItem.get("s0").get("data")).isEqualTo(Map.of("text", "review number 900"));

        // Correcting s1 in the set corrects it in both jobs: four answers re-scored.
        Map<String, Object> fixed = api.post(requester, base + "/corrections", Map.of("item", "s1", "label", "negative"));
        assertThat(fixed).containsEntry("oldLabel", "positive").containsEntry("newLabel", "negative");
        assertThat(Api.num(fixed.get("jobs"))).isEqualTo(2);
        assertThat(Api.num(fixed.get("answersRescored"))).isEqualTo(4);
        assertThat(Api.num(golds(api.get(requester, base)).get("s1").get("correct"))).isEqualTo(4);
        for (long job : List.of(a, b)) {
            Map<String, Object> s1 = ((List<Map<String, Object>>) api.get(requester, "/api/jobs/" + job + "/golds/health").get("golds")).stream()
                    .filter(g -> g.get("item").equals("s1")).findFirst().orElseThrow();
            assertThat(s1).containsEntry("goldLabel", "negative");
            assertThat(Api.num(s1.get("correct"))).isEqualTo(2);
        }

        // Retiring s0 in the set retires it in both jobs: a new worker is never handed it; restoring brings it back.
        Map<String, Object> retired = api.post(requester, base + "/retire", Map.of("item", "s0"));
        assertThat(retired).containsEntry("retired", true);
        assertThat(Api.num(retired.get("jobsChanged"))).isEqualTo(2);
        Api.Session late = api.signUp("WORKER");
        api.work(late, a, 30, Api::byParity);
        api.work(late, b, 30, Api::byParity);
        assertThat(goldsServed(a, late.id())).containsExactlyInAnyOrder("s1", "s2");
        assertThat(goldsServed(b, late.id())).containsExactlyInAnyOrder("s1", "s2", "b0");
        Map<String, Object> restored = api.post(requester, base + "/restore", Map.of("item", "s0"));
        assertThat(restored).containsEntry("retired", false);
        assertThat(Api.num(restored.get("jobsChanged"))).isEqualTo(2);
        assertThat(Api.num(api.get(requester, "/api/jobs/" + b).get("goldCount"))).isEqualTo(4);

        // Voiding s2 in the set voids it in both jobs: the three workers' six answers to it stop counting; it cannot come back.
        long[] before = db.tx(x -> Db.one(x, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                "SELECT gold_answered, gold_correct FROM worker_gold_stats WHERE worker_id = ?", workers.get(0).id()).orElseThrow());
        Map<String, Object> voided = api.post(requester, base + "/retire", Map.of("item", "s2", "voidAnswers", true));
        assertThat(voided).containsEntry("retired", true).containsKey("voidedAt");
        assertThat(Api.num(voided.get("jobsChanged"))).isEqualTo(2);
        assertThat(Api.num(voided.get("answersVoided"))).isEqualTo(6);
        long[] after = db.tx(x -> Db.one(x, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                "SELECT gold_answered, gold_correct FROM worker_gold_stats WHERE worker_id = ?", workers.get(0).id()).orElseThrow());
        assertThat(after).containsExactly(before[0] - 2, before[1] - 2);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "/restore", Map.of("item", "s2")))).getStatus().getCode()).isEqualTo(409);
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + a + "/golds/restore", Map.of("item", "s2")))).getStatus().getCode())
                .isEqualTo(409);

        // Labels, access and errors.
        long yesNo = api.createJob(requester, Map.of("labels", List.of("yes", "no")));
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "/jobs/" + yesNo, Map.of()))).getStatus().getCode()).isEqualTo(409);
        Api.Session other = api.fundedRequester(admin);
        long othersJob = api.createJob(other, Map.of());
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "/jobs/" + othersJob, Map.of()))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(other, HttpRequest.GET(base))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(other, HttpRequest.POST(base + "/retire", Map.of("item", "s2")))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.getList(other, "/api/gold-sets")).isEmpty();
        assertThat(api.failure(api.as(late, HttpRequest.GET(base))).getStatus().getCode()).isEqualTo(403);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "/retire", Map.of("item", "nope")))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "/corrections", Map.of("item", "s2", "label", "neutral"))))
                .getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/gold-sets", Map.of("name", "x", "labels", List.of("a", "a")))))
                .getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/gold-sets", Map.of("name", "", "labels", List.of("a", "b")))))
                .getStatus().getCode()).isEqualTo(400);
        // A quality manager sees every set and may add it to anyone's job.
        assertThat(api.getList(admin, "/api/gold-sets")).anySatisfy(s -> assertThat(Api.num(s.get("id"))).isEqualTo(set));
        Map<String, Object> toOthers = api.post(admin, base + "/jobs/" + othersJob, Map.of());
        assertThat(Api.num(toOthers.get("added"))).as("s0 and s1; s2 is voided").isEqualTo(2);
        assertThat(Api.num(toOthers.get("retiredLeftOut"))).isEqualTo(1);
    }

    private Map<String, Object> upload(Api api, Api.Session s, String path, String csv) {
        return client.toBlocking().retrieve(api.as(s, HttpRequest.POST(path, csv).contentType("text/csv")),
                io.micronaut.core.type.Argument.mapOf(String.class, Object.class));
    }
}
