package io.goldfinch.matching;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
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
 * A spammer's work re-queued when he is blocked: items his answers closed while he still counted as a newcomer open
 * again, now that his gold record says what his answers are worth, and take honest answers up to their maximum.
 */
@MicronautTest
class WorkRecheckTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    WorkRecheck recheck;
    @Inject
    io.goldfinch.support.TestClock clock;

    private long count(String sql, long job) {
        return db.tx(c -> Db.scalarLong(c, sql, job));
    }

    private java.time.Instant rechecked(long job, long worker) {
        return db.tx(c -> Db.one(c, rs -> rs.getTimestamp(1).toInstant(),
                "SELECT rechecked_at FROM worker_recheck WHERE job_id = ? AND worker_id = ?", job, worker).orElseThrow());
    }

    /** Elsewhere he meets golds, answering "positive" to all: right on half of ten, 8 of 14 with the prior, 0.57. */
    private static void failsHalfOfTenGolds(Api api, Api.Session requester, Api.Session spammer) {
        StringBuilder golds = new StringBuilder("id,text,label\n");
        for (int g = 0; g < 10; g++) {
            golds.append("x").append(g).append(",\"review number ").append(800 + g).append("\",").append(g % 2 == 0 ? "positive" : "negative").append('\n');
        }
        long exam = api.publishedJob(requester, Map.of("goldRate", 0.0, "examSize", 10, "examPassShare", 0.1, "examSeats", 5),
                Api.itemsCsv("e", 2), golds.toString());
        assertThat(api.work(spammer, exam, 10, task -> "positive")).isEqualTo(10);
    }

    @Test
    void blockingASpammerReopensTheItemsHisAnswersClosed() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        // One answer of a worker without golds (taken as 0.75 right) meets the 0.7 target.
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "overlapMin", 1, "overlapMax", 3, "confidenceTarget", 0.7),
                Api.itemsCsv("r", 4), null);
        Api.Session spammer = api.signUp("WORKER");
        Api.Session honest = api.signUp("WORKER");
        assertThat(api.work(spammer, job, 10, task -> "positive")).isEqualTo(4);
        assertThat(api.work(honest, job, 10, Api::byParity)).as("every item closed on the spammer's word").isZero();

        failsHalfOfTenGolds(api, requester, spammer);

        client.toBlocking().exchange(api.as(admin, HttpRequest.PUT("/api/admin/users/" + spammer.id() + "/blocked", Map.of("blocked", true))), String.class);
        assertThat(count("SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold AND closed_at IS NULL", job)).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM item WHERE job_id = ? AND posterior_confidence < 0.7", job)).isEqualTo(4);
        // The honest worker now gets all four, and no item takes more than its three answers.
        assertThat(api.work(honest, job, 10, Api::byParity)).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM (SELECT item_id FROM assignment WHERE job_id = ? "
                + "AND status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED') GROUP BY item_id HAVING count(*) > 3) x", job)).isZero();

        // Judged again, nothing changes: the decisions since were made with the same records.
        assertThat(recheck.worker(spammer.id())).isEqualTo(new WorkRecheck.Outcome(0, 0));
    }

    @Test
    void whenAJobsAccuracyRuleStopsAWorkerTheItemsHeClosedThereOpenAgain() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.publishedJob(requester, Map.of("goldRate", 0.0, "overlapMin", 1, "overlapMax", 3, "confidenceTarget", 0.7,
                "minAccuracy", 0.7, "probationGolds", 5), Api.itemsCsv("s", 4), null);
        Api.Session spammer = api.signUp("WORKER");
        assertThat(api.work(spammer, job, 10, task -> "positive")).isEqualTo(4);
        failsHalfOfTenGolds(api, requester, spammer);

        // Not blocked: the job's rule (0.57 after ten golds, below 0.7) stops him, and the review sweep re-decides his items.
        assertThat(recheck.stoppedWorkers()).isPositive();
        assertThat(count("SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold AND closed_at IS NULL", job)).isEqualTo(4);
        assertThat(api.work(api.signUp("WORKER"), job, 10, Api::byParity)).isEqualTo(4);
        // Judged once for this record: the next sweep leaves him be.
        clock.advance(java.time.Duration.ofMinutes(1));
        java.time.Instant first = rechecked(job, spammer.id());
        recheck.stoppedWorkers();
        assertThat(rechecked(job, spammer.id())).isEqualTo(first);
    }
}
