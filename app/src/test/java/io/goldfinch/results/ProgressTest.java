package io.goldfinch.results;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.aggregation.Agreement;
import io.goldfinch.aggregation.AnswerSet;
import io.goldfinch.aggregation.LabelAggregation;
import io.goldfinch.support.Api;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A job's progress through the API: the projected cost starts at the quote, stays within the escrow as workers answer,
 * and ends at what the answers cost; the labels per finished item are counted; agreement summed in the database
 * equals the engine's on the same answers.
 */
@MicronautTest
class ProgressTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;

    private static final long PER_TASK = 11;

    @Test
    void projectedCostLabelsPerItemAndAgreement() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "overlapMin", 2, "overlapMax", 4, "confidenceTarget", 0.9),
                Api.itemsCsv("i", 30), null);
        String path = "/api/jobs/" + job + "/progress";
        Map<String, Object> start = api.get(requester, path);
        assertThat(Api.num(start.get("projectedCostMinor"))).isEqualTo(30 * 4 * PER_TASK); // nothing closed yet: at the maximum
        assertThat(start.get("answersPerClosedItem")).isNull();
        Map<String, Object> none = api.get(requester, "/api/jobs/" + job + "/agreement");
        assertThat(none.get("krippendorffAlpha")).isNull();
        assertThat(Api.num(none.get("itemsUsed"))).isZero();

        // Two honest workers, then one who answers at random: items close at 2 where both agree.
        Api.Session a = api.signUp("WORKER");
        Api.Session b = api.signUp("WORKER");
        Api.Session c = api.signUp("WORKER");
        api.work(a, job, 30, Api::byParity);
        Map<String, Object> middle = api.get(requester, path);
        assertThat(Api.num(middle.get("projectedCostMinor"))).isBetween(30 * PER_TASK, 30 * 4 * PER_TASK);
        api.work(b, job, 30, Api::byParity);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        api.work(c, job, 30, t -> random.nextBoolean() ? "positive" : "negative");
        Api.Session d = api.signUp("WORKER");
        api.work(d, job, 30, Api::byParity);

        Map<String, Object> now = api.get(requester, path);
        long answers = Api.num(now.get("answers"));
        long done = Api.num(now.get("itemsDone"));
        assertThat(done).as("four workers: every item reaches its target or its maximum").isEqualTo(30);
        assertThat(answers).isLessThan(30 * 4);
        assertThat(((Number) now.get("answersPerClosedItem")).doubleValue()).isEqualTo((double) answers / 30);
        assertThat(Api.num(now.get("projectedCostMinor"))).as("every item closed: the answers are the cost").isEqualTo(answers * PER_TASK);

        List<Map<String, Object>> raw = api.getList(requester, "/api/jobs/" + job + "/answers?format=json");
        List<LabelAggregation.Answer> stored = raw.stream().filter(r -> !(Boolean) r.get("gold"))
                .map(r -> new LabelAggregation.Answer((String) r.get("item"), String.valueOf(r.get("worker")), (String) r.get("label"), 0)).toList();
        assertThat(stored).hasSize((int) answers);
        Agreement.Stats engine = Agreement.of(AnswerSet.of(stored, List.of("positive", "negative")));
        Map<String, Object> agreement = api.get(requester, "/api/jobs/" + job + "/agreement");
        assertThat(((Number) agreement.get("krippendorffAlpha")).doubleValue()).isCloseTo(engine.krippendorffAlpha(), within(1e-9));
        assertThat(((Number) agreement.get("fleissKappa")).doubleValue()).isCloseTo(engine.fleissKappa(), within(1e-9));
        assertThat(Api.num(agreement.get("itemsUsed"))).isEqualTo(engine.itemsUsed());
    }
}
