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
 * What the quality console reads: every requester's jobs with their owner, any job's progress and results, and the
 * pending appeals with the answer they are about. Requesters and workers are kept out.
 */
@MicronautTest
class QualityConsoleTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    @Test
    @SuppressWarnings("unchecked")
    void aQualityManagerOverseesEveryRequestersJobsAndTheAppealsWaitingForHim() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session qm = api.admin(); // ADMIN and QUALITY_MANAGER
        Api.Session requester = api.fundedRequester(qm);
        Api.Session other = api.fundedRequester(qm);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.5, "overlapMin", 1, "overlapMax", 1, "title", "Console job"), Api.itemsCsv("i", 12),
                "id,text,label\ng1,\"review number 901\",positive\n");
        long othersJob = api.createJob(other, Map.of("title", "Another requester's draft"));
        Api.Session worker = api.signUp("WORKER");
        api.work(worker, job, 20, Api::byParity);

        List<Map<String, Object>> jobs = api.getList(qm, "/api/qm/jobs");
        Map<String, Object> mine = jobs.stream().filter(j -> Api.num(((Map<String, Object>) j.get("job")).get("id")) == job).findFirst().orElseThrow();
        assertThat(mine).containsEntry("requesterEmail", requester.email());
        assertThat(Api.num(mine.get("requesterId"))).isEqualTo(requester.id());
        assertThat(jobs).anySatisfy(j -> assertThat(Api.num(((Map<String, Object>) j.get("job")).get("id"))).isEqualTo(othersJob));
        assertThat(api.getList(qm, "/api/qm/jobs?status=DRAFT")).allSatisfy(j -> assertThat((Map<String, Object>) j.get("job"))
                .containsEntry("status", "DRAFT"));
        assertThat(Api.num(api.get(qm, "/api/jobs/" + job + "/progress").get("answers"))).isEqualTo(12);
        assertThat(api.getText(qm, "/api/jobs/" + job + "/results?format=csv")).contains("i0,");

        // The worker failed g1 (its key says positive, review 901 is odd); a rejection on that evidence, appealed.
        String normal = db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT id::text FROM assignment WHERE job_id = ? AND worker_id = ? AND NOT is_gold "
                + "ORDER BY submitted_at LIMIT 1", job, worker.id()).orElseThrow());
        api.post(requester, "/api/assignments/" + normal + "/reject", Map.of("reason", "failed a gold", "evidence", "FAILED_GOLDS"));
        Map<String, Object> appeal = api.post(worker, "/api/worker/assignments/" + normal + "/appeal", Map.of("message", "Review 901 is negative."));
        Map<String, Object> pending = api.getList(qm, "/api/qm/appeals").stream().filter(p -> p.get("id").equals(appeal.get("appealId")))
                .findFirst().orElseThrow();
        assertThat(pending).containsEntry("assignmentId", normal).containsEntry("text", "Review 901 is negative.");
        assertThat(Api.num(pending.get("jobId"))).isEqualTo(job);
        assertThat(Api.num(pending.get("workerId"))).isEqualTo(worker.id());
        assertThat((String) pending.get("item")).startsWith("i");
        assertThat((String) pending.get("evidence")).contains("g1");

        // Requesters and workers are kept out of the console; a requester still sees only his own job's progress.
        assertThat(api.failure(api.as(requester, HttpRequest.GET("/api/qm/jobs"))).getStatus().getCode()).isEqualTo(403);
        assertThat(api.failure(api.as(worker, HttpRequest.GET("/api/qm/jobs"))).getStatus().getCode()).isEqualTo(403);
        assertThat(api.failure(api.as(worker, HttpRequest.GET("/api/jobs/" + job + "/progress"))).getStatus().getCode()).isEqualTo(403);
        assertThat(api.failure(api.as(other, HttpRequest.GET("/api/jobs/" + job + "/progress"))).getStatus().getCode()).isEqualTo(404);
    }
}
