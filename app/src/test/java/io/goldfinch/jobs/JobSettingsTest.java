package io.goldfinch.jobs;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changing a running job's settings through the API: worker requirements take effect on the next claim; a new gold
 * rate re-budgets the gold tasks, reserving more from the requester's balance or returning what is no longer needed,
 * and is refused whole when the balance cannot pay; fields fixed at publication, ended jobs and bad values are
 * refused with 4xx and change nothing. Every change is recorded.
 */
@MicronautTest
class JobSettingsTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;

    private static final long PER_TASK = 11; // reward 10 + 10% fee

    @Test
    @SuppressWarnings("unchecked")
    void requirementsAndTheGoldRateChangeOnARunningJob() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        String golds = "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 901\",negative\n";
        long job = api.publishedJob(requester, Map.of("goldRate", 0.1, "overlapMin", 3, "overlapMax", 3), Api.itemsCsv("i", 20), golds);
        String jobPath = "/api/jobs/" + job;
        long goldTasks = 7; // 60 tasks at 10%: ceil(60 x 0.1 / 0.9)
        assertThat(reserved(api, requester)).isEqualTo((60 + goldTasks) * PER_TASK);

        Api.Session worker = api.signUp("WORKER");
        assertThat(api.work(worker, job, 3, Api::byParity)).isEqualTo(3);

        // Requirements apply on the next claim: a skill the worker lacks, then a cap he has reached, then neither.
        Map<String, Object> changed = patch(api, requester, job, Map.of("requiredSkills", List.of(" de ", "de"), "priority", 5, "note", "German reviews only"));
        assertThat(changed).containsEntry("requiredSkills", List.of("de")).containsEntry("priority", 5);
        assertThat(refusal(api, worker, job)).contains("missing skills");
        patch(api, requester, job, Map.of("requiredSkills", List.of(), "maxTasksPerWorker", 3));
        assertThat(refusal(api, worker, job)).contains("task cap for this job reached");
        assertThat(patch(api, requester, job, Map.of("maxTasksPerWorker", 0)).get("maxTasksPerWorker")).isNull();
        assertThat(api.work(worker, job, 1, Api::byParity)).isEqualTo(1);

        // The gold rate up: 19 more gold tasks reserved from the balance; down to 0: what is not used comes back.
        long available = available(api, requester);
        patch(api, requester, job, Map.of("goldRate", 0.3));
        long raised = 26; // ceil(60 x 0.3 / 0.7)
        assertThat(reserved(api, requester)).isEqualTo((60 + raised) * PER_TASK); // the answers so far await review: nothing paid out yet
        assertThat(available(api, requester)).isEqualTo(available - (raised - goldTasks) * PER_TASK);
        Map<String, Object> lowered = patch(api, requester, job, Map.of("goldRate", 0.0));
        assertThat(lowered).containsEntry("goldRate", 0.0);
        long goldsUsed = goldsServed(api, requester, job);
        assertThat(reserved(api, requester)).isEqualTo((60 + goldsUsed) * PER_TASK);
        assertThat(available(api, requester)).isEqualTo(available - goldsUsed * PER_TASK + goldTasks * PER_TASK);

        List<Map<String, Object>> changes = api.getList(requester, jobPath + "/changes");
        assertThat(changes).extracting(c -> c.get("action")).containsOnly("SETTINGS").hasSize(5);
        assertThat(changes.get(0)).containsEntry("note", "German reviews only");
        assertThat((Map<String, Object>) changes.get(0).get("changes")).containsOnlyKeys("requiredSkills", "priority")
                .containsEntry("priority", List.of(0, 5));
        assertThat((Map<String, Object>) changes.get(3).get("changes")).containsEntry("goldRate", List.of(0.1, 0.3))
                .containsEntry("goldTaskBudget", List.of((int) goldTasks, (int) raised));
        // The same values again change nothing and record nothing.
        patch(api, requester, job, Map.of("goldRate", 0.0, "priority", 5));
        assertThat(api.getList(requester, jobPath + "/changes")).hasSize(5);
    }

    @Test
    void aGoldRateTheBalanceCannotPayForAndBadChangesAreRefusedWhole() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(admin, requester.id(), (30 + 4) * PER_TASK); // exactly the quote: 30 tasks and 4 gold tasks
        String golds = "id,text,label\ng0,\"review number 900\",positive\n";
        long job = api.publishedJob(requester, Map.of("goldRate", 0.1, "overlapMin", 3, "overlapMax", 3), Api.itemsCsv("i", 10), golds);
        String jobPath = "/api/jobs/" + job;
        assertThat(available(api, requester)).isZero();

        HttpClientResponseException poor = fails(api, requester, job, Map.of("goldRate", 0.3, "minAccuracy", 0.7));
        assertThat(poor.getStatus().getCode()).isEqualTo(409);
        assertThat(body(poor)).contains("insufficient-funds");
        Map<String, Object> unchanged = api.get(requester, jobPath);
        assertThat(unchanged).containsEntry("goldRate", 0.1).containsEntry("minAccuracy", 0.0);
        assertThat(api.getList(requester, jobPath + "/changes")).isEmpty();

        assertThat(fails(api, requester, job, Map.of("goldRate", 0.7)).getStatus().getCode()).isEqualTo(400);
        assertThat(fails(api, requester, job, Map.of("title", "   ")).getStatus().getCode()).isEqualTo(400);
        assertThat(fails(api, requester, job, Map.of("maxTasksPerWorker", -1)).getStatus().getCode()).isEqualTo(400);
        Api.Session other = api.fundedRequester(admin);
        assertThat(fails(api, other, job, Map.of("priority", 1)).getStatus().getCode()).isEqualTo(404);

        // A running job without golds cannot be given a gold rate; an ended job cannot be changed.
        long plain = api.publishedJob(api.fundedRequester(admin), Map.of("goldRate", 0.0), Api.itemsCsv("p", 3), null);
        Api.Session qm = api.admin();
        HttpClientResponseException noGolds = fails(api, qm, plain, Map.of("goldRate", 0.2));
        assertThat(noGolds.getStatus().getCode()).isEqualTo(409);
        assertThat(body(noGolds)).contains("golds-missing");
        api.post(qm, "/api/jobs/" + plain + "/cancel", Map.of());
        HttpClientResponseException ended = fails(api, qm, plain, Map.of("priority", 3));
        assertThat(ended.getStatus().getCode()).isEqualTo(409);
        assertThat(body(ended)).contains("job-ended");
        assertThat(api.get(requester, jobPath)).containsEntry("title", "Sentiment of product reviews");
    }

    private static Map<String, Object> patch(Api api, Api.Session s, long job, Map<String, Object> body) {
        return api.exchange(api.as(s, HttpRequest.PATCH("/api/jobs/" + job, body))).body();
    }

    private static HttpClientResponseException fails(Api api, Api.Session s, long job, Map<String, Object> body) {
        return api.failure(api.as(s, HttpRequest.PATCH("/api/jobs/" + job, body)));
    }

    private static String body(HttpClientResponseException e) {
        return e.getResponse().getBody(String.class).orElseThrow();
    }

    /** Why the worker's next claim on the job is refused (403). */
    private static String refusal(Api api, Api.Session worker, long job) {
        HttpClientResponseException e = api.failure(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
        assertThat(e.getStatus().getCode()).isEqualTo(403);
        return body(e);
    }

    private static long goldsServed(Api api, Api.Session requester, long job) {
        return Api.num(api.get(requester, "/api/jobs/" + job + "/progress").get("goldAnswers"));
    }

    private static long reserved(Api api, Api.Session requester) {
        return Api.num(api.get(requester, "/api/account").get("reservedMinor"));
    }

    private static long available(Api api, Api.Session requester) {
        return Api.num(api.get(requester, "/api/account").get("availableMinor"));
    }
}
