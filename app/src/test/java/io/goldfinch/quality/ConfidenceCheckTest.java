package io.goldfinch.quality;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The confidence target checked on golds through the API: three workers take a ten-gold exam and all three miss the
 * same two golds. Replayed as items, every gold closes at the 0.9 target after two answers, and two of ten close wrong:
 * the check says 80% right where the items said about 92-97%.
 */
@MicronautTest
class ConfidenceCheckTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;

    @Test
    void goldsReplayedAsItemsShowHowOftenTheTargetHolds() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "examSize", 10, "examPassShare", 0.1, "examSeats", 5,
                "overlapMin", 2, "overlapMax", 3, "confidenceTarget", 0.9), Api.itemsCsv("c", 4), Api.goldsCsv("cg", 10, 900));
        String path = "/api/jobs/" + job + "/confidence-check";
        assertThat(api.get(requester, path)).containsEntry("golds", 0).containsEntry("accuracyAtTarget", null).containsEntry("belowTarget", false);

        for (int w = 0; w < 3; w++) {
            Api.Session worker = api.signUp("WORKER");
            // Right by parity, except on golds 900 and 901, which everyone gets wrong.
            int done = api.work(worker, job, 10, task -> {
                long n = Api.reviewNumber(task);
                String right = n % 2 == 0 ? "positive" : "negative";
                return n == 900 || n == 901 ? (right.equals("positive") ? "negative" : "positive") : right;
            });
            assertThat(done).isEqualTo(10);
        }

        Map<String, Object> check = api.get(requester, path);
        assertThat(check).containsEntry("golds", 10).containsEntry("closedAtTarget", 10).containsEntry("rightAtTarget", 8)
                .containsEntry("closedAtMax", 0).containsEntry("stillOpen", 0);
        assertThat(((Number) check.get("accuracyAtTarget")).doubleValue()).isEqualTo(0.8);
        assertThat(((Number) check.get("answersPerClosed")).doubleValue()).isEqualTo(2.0);
        // Each worker's record without the gold: 7 of 9 for the eight right (0.769 each, 0.917 together), 8 of 9 for
        // the two wrong (0.846 each, 0.968 together).
        assertThat(((Number) check.get("statedAtTarget")).doubleValue()).isCloseTo((8 * 0.9172 + 2 * 0.9679) / 10, within(0.001));
        assertThat(((Number) check.get("accuracyHigh")).doubleValue()).isBetween(0.8, 1.0);
        assertThat(check.get("belowTarget")).isEqualTo(false); // ten golds cannot show it
        // The same golds at other targets: at 0.95 the eight golds the three workers got right need their third answer
        // (two give 0.917) and still close right; the two missed golds close wrong at 0.968 after two.
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> targets = (java.util.List<Map<String, Object>>) check.get("targets");
        assertThat(targets).extracting(t -> ((Number) t.get("target")).doubleValue()).containsExactly(0.8, 0.9, 0.95, 0.98, 0.99, 0.995);
        Map<String, Object> at95 = targets.get(2);
        assertThat(at95).containsEntry("closed", 10).containsEntry("closedAtTarget", 10);
        assertThat(((Number) at95.get("accuracy")).doubleValue()).isEqualTo(0.8);
        assertThat(((Number) at95.get("answersPerClosed")).doubleValue()).isCloseTo((8 * 3 + 2 * 2) / 10.0, within(1e-9));

        // And with label values of 2 to 100 answers' cost: at this 0.9 target two agreeing answers close every gold
        // whatever the value, and a third could not have turned them.
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> values = (java.util.List<Map<String, Object>>) check.get("values");
        assertThat(values).extracting(v -> ((Number) v.get("answersWorth")).doubleValue()).containsExactly(2.0, 5.0, 10.0, 20.0, 50.0, 100.0);
        assertThat(values).allSatisfy(v -> assertThat(v).containsEntry("closed", 10).containsEntry("closedByValue", 0).containsEntry("accuracy", 0.8));
        assertThat(check.get("labelValueMinor")).isNull();

        // Scoped: another requester cannot read it.
        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.GET(path))).getStatus().getCode()).isEqualTo(404);
    }
}
