package io.goldfinch.review;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The review queue: three honest workers and one who answers the opposite of the truth. Only the contrarian's answers
 * are listed, each with evidence the server accepts when the requester rejects it; nothing is listed once the review
 * window has closed.
 */
@MicronautTest
class ReviewQueueTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;

    @Test
    @SuppressWarnings("unchecked")
    void listsTheAnswersEvidenceSpeaksAgainstAndTheServerAcceptsThatEvidence() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.5, "overlapMin", 4, "overlapMax", 4, "reviewWindowHours", 24),
                Api.itemsCsv("i", 20), "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 902\",positive\n");
        List<Api.Session> honest = List.of(api.signUp("WORKER"), api.signUp("WORKER"), api.signUp("WORKER"));
        for (Api.Session w : honest) {
            api.work(w, job, 100, Api::byParity);
        }
        Api.Session contrarian = api.signUp("WORKER");
        int answered = api.work(contrarian, job, 100, t -> Api.byParity(t).equals("positive") ? "negative" : "positive");

        String path = "/api/jobs/" + job + "/review";
        Map<String, Object> queue = api.get(requester, path);
        List<Map<String, Object>> answers = (List<Map<String, Object>>) queue.get("answers");
        assertThat(Api.num(queue.get("total"))).isEqualTo(answered).isEqualTo(answers.size());
        assertThat(answers).allSatisfy(a -> {
            assertThat(Api.num(a.get("worker"))).isEqualTo(contrarian.id());
            assertThat((List<String>) a.get("evidence")).contains("FAILED_GOLDS");
            assertThat(Api.num(a.get("goldFailed"))).isEqualTo(Api.num(a.get("goldAnswered"))).isGreaterThanOrEqualTo(2);
        });
        Map<String, Object> strongest = answers.get(0);
        assertThat((List<String>) strongest.get("evidence")).containsExactly("POSTERIOR", "FAILED_GOLDS");
        assertThat(((Number) strongest.get("crowdConfidence")).doubleValue()).isGreaterThanOrEqualTo(0.7);
        assertThat(strongest.get("crowdLabel")).isNotEqualTo(strongest.get("label"));

        // The server accepts the evidence the queue lists, and the rejected answer leaves the queue.
        String id = (String) strongest.get("assignmentId");
        assertThat(api.post(requester, "/api/assignments/" + id + "/reject", Map.of("reason", "the crowd disagrees", "evidence", "POSTERIOR")))
                .containsEntry("status", "REJECTED");
        assertThat(Api.num(api.get(requester, path).get("total"))).isEqualTo(answered - 1);
        assertThat((List<?>) api.get(requester, path + "?limit=3").get("answers")).hasSize(3);

        // Scoping and errors; after the window closes nothing is open to review.
        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.GET(path))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(contrarian, HttpRequest.GET(path))).getStatus().getCode()).isEqualTo(403);
        assertThat(api.failure(api.as(requester, HttpRequest.GET(path + "?limit=0"))).getStatus().getCode()).isEqualTo(422);
        assertThat(Api.num(api.get(admin, path).get("total"))).isEqualTo(answered - 1);
        clock.advance(Duration.ofHours(25));
        assertThat(Api.num(api.get(requester, path).get("total"))).isZero();
    }
}
