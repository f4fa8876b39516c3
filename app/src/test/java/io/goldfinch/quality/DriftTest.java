package io.goldfinch.quality;

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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Drift per hour: a careful worker's hour, then an hour of a worker who answers everything "positive". */
@MicronautTest
class DriftTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;
    @Inject
    io.goldfinch.common.Db db;

    /** A worker's gold answers in the job and how many were right. */
    private long[] golds(long job, long worker) {
        return db.tx(c -> io.goldfinch.common.Db.one(c, rs -> new long[]{rs.getLong(1), rs.getLong(2)},
                "SELECT count(*), count(*) FILTER (WHERE gold_correct) FROM assignment WHERE job_id = ? AND worker_id = ? AND is_gold", job, worker).orElseThrow());
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachHourShowsItsAnswersGoldAccuracyAndLabelMix() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.publishedJob(requester, Map.of("goldRate", 0.3, "overlapMin", 2, "overlapMax", 2), Api.itemsCsv("i", 10),
                "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 901\",negative\n");
        // Start at the top of an hour so both workers' answers fall in one bucket each.
        clock.advance(Duration.between(clock.instant(), clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))));
        Api.Session w1 = api.signUp("WORKER");
        Api.Session w2 = api.signUp("WORKER");
        int careful = api.work(w1, job, 100, Api::byParity);
        clock.advance(Duration.ofHours(1));
        int careless = api.work(w2, job, 100, t -> "positive");
        long[] g1 = golds(job, w1.id());
        long[] g2 = golds(job, w2.id());
        assertThat(g1[0]).as("the careful worker saw a gold").isPositive();
        assertThat(g2[0]).as("the careless worker saw a gold").isPositive();

        Map<String, Object> drift = api.get(requester, "/api/jobs/" + job + "/drift?bucket=hour");
        List<Map<String, Object>> buckets = (List<Map<String, Object>>) drift.get("buckets");
        assertThat(buckets).hasSize(2);
        Map<String, Object> first = buckets.get(0);
        Map<String, Object> second = buckets.get(1);
        assertThat(Api.num(first.get("answers"))).isEqualTo(careful);
        assertThat(Api.num(second.get("answers"))).isEqualTo(careless);
        assertThat(Api.num(first.get("goldAnswers"))).isEqualTo(g1[0]);
        assertThat(((Number) first.get("goldAccuracy")).doubleValue()).isEqualTo(1.0);
        assertThat(Api.num(second.get("goldAnswers"))).isEqualTo(g2[0]);
        assertThat(((Number) second.get("goldAccuracy")).doubleValue()).isEqualTo((double) g2[1] / g2[0]);
        Map<String, Object> mix1 = (Map<String, Object>) first.get("labels");
        Map<String, Object> mix2 = (Map<String, Object>) second.get("labels");
        assertThat(Api.num(mix1.get("positive")) + Api.num(mix1.get("negative"))).isEqualTo(careful - g1[0]);
        assertThat(Api.num(mix1.get("negative"))).isPositive();
        assertThat(Api.num(mix2.get("negative"))).isZero();
        assertThat(Api.num(mix2.get("positive"))).isEqualTo(careless - Api.num(second.get("goldAnswers")));
        assertThat(java.time.Instant.parse((String) second.get("start"))).isEqualTo(java.time.Instant.parse((String) first.get("start")).plus(Duration.ofHours(1)));
        assertThat((List<?>) api.get(requester, "/api/jobs/" + job + "/drift?bucket=day").get("buckets")).hasSizeBetween(1, 2);

        assertThat(api.failure(api.as(requester, HttpRequest.GET("/api/jobs/" + job + "/drift?bucket=week"))).getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.GET("/api/jobs/" + job + "/drift"))).getStatus().getCode()).isEqualTo(404);
    }
}
