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

/**
 * The online confidence calibrated on the job's golds, through the API. Three workers take a 25-gold exam and all three
 * miss the same five golds: their records say 0.79 each, three agreeing answers say 0.98, and on the golds such
 * agreement is right 80% of the time. Fitted on the golds, the engine no longer closes items at the 0.95 target on
 * three agreeing answers; switched off, it does again.
 */
@MicronautTest
class CalibratedConfidenceTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    ConfidenceCalibrationService calibration;

    @Test
    void itemsCloseAtTheTargetOnlyWhenTheGoldsSayAgreementIsThatRight() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "examSize", 25, "examPassShare", 0.1, "examSeats", 5,
                "overlapMin", 3, "overlapMax", 5, "confidenceTarget", 0.95), Api.itemsCsv("k", 4), Api.goldsCsv("kg", 25, 900));
        String path = "/api/jobs/" + job;
        assertThat(api.get(requester, path)).containsEntry("calibrateConfidence", true).doesNotContainKey("confidenceBeta"); // not fitted yet

        Api.Session[] workers = new Api.Session[4];
        for (int w = 0; w < 3; w++) {
            workers[w] = api.signUp("WORKER");
            assertThat(api.work(workers[w], job, 25, CalibratedConfidenceTest::answer)).isEqualTo(25); // the exam
        }
        assertThat(calibration.refit()).contains(job); // other tests' jobs may be due too
        assertThat(calibration.refit()).as("fitted again only once the gold answers grow").doesNotContain(job);
        double beta = ((Number) api.get(requester, path).get("confidenceBeta")).doubleValue();
        assertThat(beta).isBetween(0.3, 0.5); // 0.40 by hand: 80% right whether one, two or three answers agree

        // The check replays the golds as the engine now decides: three agreeing answers say 0.84, short of the target,
        // so no gold closes at it (and three answers are all they have); uncalibrated, all 25 did, 80% of them right.
        Map<String, Object> check = api.get(requester, path + "/confidence-check");
        assertThat(check).containsEntry("calibrateConfidence", true).containsEntry("closedAtTarget", 0).containsEntry("stillOpen", 25);
        @SuppressWarnings("unchecked")
        Map<String, Object> uncalibrated = (Map<String, Object>) check.get("uncalibrated");
        assertThat(uncalibrated).containsEntry("closedAtTarget", 25).containsEntry("accuracyAtTarget", 0.8);

        // Each of the three answers the four items alike: three agreeing answers no longer close them.
        for (int w = 0; w < 3; w++) {
            assertThat(api.work(workers[w], job, 4, CalibratedConfidenceTest::answer)).isEqualTo(4);
        }
        assertThat(Api.num(api.get(requester, path + "/progress").get("itemsDone"))).isZero();

        // Switched off, a fourth answer from a worker with the same record closes each of them at once (0.99).
        api.exchange(api.as(requester, HttpRequest.PATCH(path, Map.of("calibrateConfidence", false))));
        assertThat(api.get(requester, path)).containsEntry("calibrateConfidence", false);
        workers[3] = api.signUp("WORKER");
        assertThat(api.work(workers[3], job, 25, CalibratedConfidenceTest::answer)).isEqualTo(25);
        assertThat(api.work(workers[3], job, 4, CalibratedConfidenceTest::answer)).isEqualTo(4);
        assertThat(Api.num(api.get(requester, path + "/progress").get("itemsDone"))).isEqualTo(4);
        assertThat(api.get(requester, path + "/confidence-check")).containsEntry("calibrateConfidence", false).containsEntry("uncalibrated", null);
    }

    /** Right by parity, except on golds 900 to 904, which everyone gets wrong. */
    private static String answer(String task) {
        long n = Api.reviewNumber(task);
        String right = n % 2 == 0 ? "positive" : "negative";
        return n >= 900 && n <= 904 ? (right.equals("positive") ? "negative" : "positive") : right;
    }
}
