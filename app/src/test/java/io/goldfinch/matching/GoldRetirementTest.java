package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.lettuce.core.api.StatefulRedisConnection;
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
 * Golds taken out of service, put back, and added while the job runs: a retired gold is served to no one (also after
 * the job's state in Redis is rebuilt, and after a stale copy of the gold set is put back), a restored or added gold
 * is served, and the answers a retired gold already had keep their scores.
 */
@MicronautTest
class GoldRetirementTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    MatchingService matching;
    @Inject
    StatefulRedisConnection<String, String> redis;

    /** The golds (external ids) the worker has been handed in the job. */
    private Set<String> goldsServed(long job, long worker) {
        return Set.copyOf(db.tx(c -> Db.list(c, rs -> rs.getString(1), "SELECT i.external_id FROM assignment a JOIN item i ON i.id = a.item_id "
                + "WHERE a.job_id = ? AND a.worker_id = ? AND a.is_gold", job, worker)));
    }

    private long goldId(long job, String external) {
        return db.tx(c -> Db.scalarLong(c, "SELECT id FROM item WHERE job_id = ? AND external_id = ?", job, external));
    }

    private long goldCorrect(long worker) {
        return db.tx(x -> Db.scalarLong(x, "SELECT gold_correct FROM worker_gold_stats WHERE worker_id = ?", worker));
    }

    private static String golds(String... ids) {
        StringBuilder csv = new StringBuilder("id,text,label\n");
        for (String id : ids) {
            csv.append(id).append(",\"review number 9").append(id.substring(1)).append("\",positive\n");
        }
        return csv.toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRetiredGoldIsServedToNoOneWhileRestoredAndAddedGoldsAre() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.5, "overlapMin", 1, "overlapMax", 4), Api.itemsCsv("i", 60),
                golds("g0", "g1", "g2", "g3"));
        String base = "/api/jobs/" + job + "/golds/";

        // Worker a answers g0 (among others) before it is retired; the score stays.
        Api.Session a = api.signUp("WORKER");
        api.work(a, job, 30, t -> "positive"); // 4 gold draws in 30 at rate 0.5: all but certain
        assertThat(goldsServed(job, a.id())).as("a new worker meets every gold").containsExactlyInAnyOrder("g0", "g1", "g2", "g3");
        long aCorrect = goldCorrect(a.id());

        Map<String, Object> retired = api.post(requester, base + "retire", Map.of("item", "g0"));
        assertThat(retired).containsEntry("item", "g0").containsEntry("retired", true);
        assertThat(Api.num(retired.get("goldsInService"))).isEqualTo(3);
        Map<String, Object> again = api.post(requester, base + "retire", Map.of("item", "g0"));
        assertThat(again.get("retiredAt")).as("retiring twice keeps the first retirement").isEqualTo(retired.get("retiredAt"));
        assertThat(api.post(admin, base + "retire", Map.of("item", "g1"))).as("a quality manager may retire any job's gold")
                .containsEntry("retired", true);
        assertThat(Api.num(api.get(requester, "/api/jobs/" + job).get("goldCount"))).as("golds in service").isEqualTo(2);

        Api.Session b = api.signUp("WORKER");
        api.work(b, job, 20, t -> "positive");
        assertThat(goldsServed(job, b.id())).containsExactlyInAnyOrder("g2", "g3");
        assertThat(goldCorrect(a.id())).as("answers the retired gold already had keep their scores").isEqualTo(aCorrect);

        // The state rebuilt from PostgreSQL leaves the retired golds out too.
        matching.unload(job);
        Api.Session c = api.signUp("WORKER");
        api.work(c, job, 20, t -> "positive");
        assertThat(goldsServed(job, c.id())).containsExactlyInAnyOrder("g2", "g3");

        // A stale gold set (a rebuild that read the golds just before the retirement) is put right by the next reconcile.
        redis.sync().zadd(matching.golds(job), goldId(job, "g0"), String.valueOf(goldId(job, "g0")));
        matching.reconcile(job);
        assertThat(redis.sync().zrange(matching.golds(job), 0, -1)).doesNotContain(String.valueOf(goldId(job, "g0")))
                .hasSize(2);

        // g1 restored, g4 added while the job runs: both served to the next worker; g0 still not.
        assertThat(api.post(requester, base + "restore", Map.of("item", "g1"))).containsEntry("retired", false);
        Map<String, Object> added = api.upload(requester, job, "golds", "text/csv", golds("g4"));
        assertThat(Api.num(added.get("accepted"))).isEqualTo(1);
        Api.Session d = api.signUp("WORKER");
        api.work(d, job, 30, t -> "positive");
        assertThat(goldsServed(job, d.id())).containsExactlyInAnyOrder("g1", "g2", "g3", "g4");

        // Gold health lists retired golds with when, and counts only golds in service.
        Map<String, Object> health = api.get(requester, base + "health");
        assertThat(Api.num(health.get("inService"))).isEqualTo(4);
        Map<String, Map<String, Object>> byItem = new java.util.HashMap<>();
        ((List<Map<String, Object>>) health.get("golds")).forEach(g -> byItem.put((String) g.get("item"), g));
        assertThat(byItem.get("g0").get("retiredAt")).isEqualTo(retired.get("retiredAt"));
        assertThat(byItem.get("g1").get("retiredAt")).isNull();
        assertThat(Api.num(byItem.get("g0").get("answered"))).isEqualTo(1);

        // Errors and scoping: not a gold, no such item, another requester's job, a worker; items stay draft-only.
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "retire", Map.of("item", "i0")))).getStatus().getCode()).isEqualTo(409);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "retire", Map.of("item", "nope")))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(requester, HttpRequest.POST(base + "retire", Map.of("item", "")))).getStatus().getCode()).isEqualTo(400);
        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.POST(base + "retire", Map.of("item", "g2")))).getStatus().getCode())
                .isEqualTo(404);
        assertThat(api.failure(api.as(a, HttpRequest.POST(base + "retire", Map.of("item", "g2")))).getStatus().getCode()).isEqualTo(403);
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/items", Api.itemsCsv("late", 2))
                .contentType("text/csv"))).getStatus().getCode()).isEqualTo(409);
        assertThat(api.failure(api.as(a, HttpRequest.POST("/api/jobs/" + job + "/golds", golds("g9")).contentType("text/csv")))
                .getStatus().getCode()).isEqualTo(403);
        assertThat(Api.num(api.get(requester, "/api/jobs/" + job).get("goldCount"))).isEqualTo(4);
    }
}
