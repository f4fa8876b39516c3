package io.goldfinch.quality;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adjudication queue end to end: two workers label every item, disagreeing on every third; the items they
 * disagree on close at the maximum overlap below the confidence target and wait for an expert, least confident first,
 * with their votes. The expert's label (the latest, after a correction) replaces the crowd's in results and in a new
 * dataset version. Gold items, foreign labels, other requesters' jobs and workers are refused.
 */
@MicronautTest
class AdjudicationTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;

    private static int status(HttpClientResponseException e) {
        return e.getStatus().getCode();
    }

    private static String truth(long number) {
        return number % 2 == 0 ? "positive" : "negative";
    }

    @Test
    @SuppressWarnings("unchecked")
    void uncertainItemsWaitForAnExpertWhoseLatestLabelReplacesTheCrowds() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.1, "overlapMin", 2, "overlapMax", 2, "confidenceTarget", 0.9), Api.itemsCsv("i", 12),
                "id,text,label\ng0,\"review number 900\",positive\n");
        Api.Session honest = api.signUp("WORKER");
        Api.Session contrary = api.signUp("WORKER");
        api.work(honest, job, 100, task -> truth(Api.reviewNumber(task)));
        // Disagrees on every third review (and answers the gold right).
        api.work(contrary, job, 100, task -> {
            long n = Api.reviewNumber(task);
            return n % 3 == 0 && n < 900 ? truth(n + 1) : truth(n);
        });
        String base = "/api/jobs/" + job;

        Map<String, Object> queue = api.get(requester, base + "/adjudication");
        List<Map<String, Object>> items = (List<Map<String, Object>>) queue.get("items");
        long waiting = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold AND closed_at IS NOT NULL "
                + "AND posterior_confidence < 0.9", job));
        assertThat(Api.num(queue.get("pending"))).isEqualTo(waiting).isEqualTo(items.size());
        Set<String> queued = new HashSet<>();
        double previous = 0;
        for (Map<String, Object> item : items) {
            queued.add((String) item.get("item"));
            double confidence = ((Number) item.get("crowdConfidence")).doubleValue();
            assertThat(confidence).isLessThan(0.9).isGreaterThanOrEqualTo(previous);
            previous = confidence;
            assertThat((Map<String, Object>) item.get("data")).containsKey("text");
            assertThat(Api.num(item.get("answers"))).isEqualTo(2);
        }
        // The disagreements (i0, i3, i6, i9) all wait, each with one vote per label.
        assertThat(queued).contains("i0", "i3", "i6", "i9").doesNotContain("g0");
        Map<String, Object> i3 = items.stream().filter(i -> i.get("item").equals("i3")).findFirst().orElseThrow();
        assertThat((Map<String, Object>) i3.get("votes")).containsOnly(Map.entry("positive", 1), Map.entry("negative", 1));
        assertThat(queue.get("labels")).isEqualTo(List.of("positive", "negative"));
        assertThat((List<?>) api.get(requester, base + "/adjudication?limit=1").get("items")).hasSize(1);

        // The expert labels i3 wrongly, then corrects it: the latest decision counts, and i3 leaves the queue.
        api.post(requester, base + "/adjudication", Map.of("item", "i3", "label", "positive"));
        Map<String, Object> decided = api.post(admin, base + "/adjudication", Map.of("item", "i3", "label", "negative", "note", "  odd number: negative "));
        assertThat(decided).containsEntry("label", "negative").containsEntry("note", "odd number: negative");
        assertThat(Api.num(decided.get("adjudicatedBy"))).isEqualTo(admin.id());
        assertThat(Api.num(api.get(requester, base + "/adjudication").get("pending"))).isEqualTo(waiting - 1);
        List<Map<String, Object>> decisions = api.getList(requester, base + "/adjudications");
        assertThat(decisions).hasSize(1);
        assertThat(decisions.get(0)).containsEntry("item", "i3").containsEntry("label", "negative");

        Map<String, Object> result = api.getList(requester, base + "/results").stream().filter(r -> r.get("item").equals("i3"))
                .findFirst().orElseThrow();
        assertThat(result).containsEntry("label", "negative").containsEntry("method", "adjudicated");
        assertThat(((Number) result.get("confidence")).doubleValue()).isEqualTo(1.0);

        Map<String, Object> version = api.post(requester, base + "/snapshots", Map.of());
        assertThat(Api.num(version.get("adjudicated"))).isEqualTo(1);
        List<Map<String, Object>> frozen = api.getList(requester, base + "/snapshots/" + Api.num(version.get("version")) + "/items");
        assertThat(frozen).filteredOn(i -> i.get("source").equals("adjudicated")).singleElement()
                .satisfies(i -> assertThat(i).containsEntry("item", "i3").containsEntry("label", "negative").containsEntry("confidence", 1.0));

        // Refused: a label outside the job's, a blank one, a gold, an unknown item, someone else's job, a worker.
        assertThat(status(api.failure(api.as(requester, HttpRequest.POST(base + "/adjudication", Map.of("item", "i0", "label", "neutral")))))).isEqualTo(422);
        assertThat(status(api.failure(api.as(requester, HttpRequest.POST(base + "/adjudication", Map.of("item", "i0", "label", " ")))))).isIn(400, 422);
        assertThat(status(api.failure(api.as(requester, HttpRequest.POST(base + "/adjudication", Map.of("item", "g0", "label", "positive")))))).isEqualTo(409);
        assertThat(status(api.failure(api.as(requester, HttpRequest.POST(base + "/adjudication", Map.of("item", "nope", "label", "positive")))))).isEqualTo(404);
        assertThat(status(api.failure(api.as(requester, HttpRequest.GET(base + "/adjudication?limit=0"))))).isEqualTo(422);
        Api.Session other = api.signUp("REQUESTER");
        assertThat(status(api.failure(api.as(other, HttpRequest.GET(base + "/adjudication"))))).isEqualTo(404);
        assertThat(status(api.failure(api.as(other, HttpRequest.POST(base + "/adjudication", Map.of("item", "i0", "label", "positive")))))).isEqualTo(404);
        assertThat(status(api.failure(api.as(honest, HttpRequest.GET(base + "/adjudication"))))).isEqualTo(403);
        assertThat(api.getList(requester, base + "/adjudications")).hasSize(1);

        // Decisions are history: the database refuses to change or delete one.
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "UPDATE item_adjudication SET label = 'positive' WHERE job_id = ?", job)))
                .hasMessageContaining("append-only");
    }
}
