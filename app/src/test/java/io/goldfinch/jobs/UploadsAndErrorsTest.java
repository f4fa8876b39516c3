package io.goldfinch.jobs;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.goldfinch.support.Api.num;
import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class UploadsAndErrorsTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    io.goldfinch.common.Db db;

    private static void assertProblem(HttpClientResponseException e, HttpStatus status) {
        assertThat(e.getStatus().getCode()).isEqualTo(status.getCode());
        assertThat(e.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
        String body = e.getResponse().getBody(String.class).orElseThrow();
        assertThat(body).contains("\"status\":" + status.getCode()).contains("\"detail\"").contains("\"type\":\"urn:goldfinch:problem:");
    }

    @Test
    void badCsvRowsAreReportedByLineAndGoodRowsAreKept() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = api.createJob(requester, Map.of());
        String csv = "id,text\n"
                + "a,first\n"
                + "b,second,unexpected\n"   // line 3: too many fields
                + "a,duplicate id\n"        // line 4
                + "c,third\n";
        Map<String, Object> report = api.upload(requester, job, "items", "text/csv", csv);
        assertThat(num(report.get("accepted"))).isEqualTo(2);
        assertThat(num(report.get("rejected"))).isEqualTo(2);
        assertThat((List<?>) report.get("errors")).extracting(e -> num(((Map<?, ?>) e).get("line"))).containsExactly(3L, 4L);
        assertThat(num(api.get(requester, "/api/jobs/" + job).get("itemCount"))).isEqualTo(2);

        // A second upload adds to the first; its duplicates are reported, nothing stored is lost.
        Map<String, Object> again = api.upload(requester, job, "items", "text/csv", "id,text\nc,again\nd,fourth\n");
        assertThat(num(again.get("accepted"))).isEqualTo(1);
        assertThat(num(api.get(requester, "/api/jobs/" + job).get("itemCount"))).isEqualTo(3);
    }

    @Test
    void jsonlItemsAndGoldsWithTheirOwnErrors() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = api.createJob(requester, Map.of());
        String jsonl = "{\"id\":\"x1\",\"data\":{\"text\":\"hello\"}}\n"
                + "{\"id\":\"x2\",\"image_url\":\"https://example.org/a.png\",\"caption\":\"cat\"}\n"
                + "not json\n"
                + "\n"
                + "{\"id\":\"x3\",\"label\":\"positive\",\"text\":\"labels only in gold uploads\"}\n";
        Map<String, Object> report = api.upload(requester, job, "items", "application/x-ndjson", jsonl);
        assertThat(num(report.get("accepted"))).isEqualTo(2);
        assertThat((List<?>) report.get("errors")).extracting(e -> num(((Map<?, ?>) e).get("line"))).containsExactly(3L, 5L);

        Map<String, Object> golds = api.upload(requester, job, "golds", "application/x-ndjson",
                "{\"id\":\"g1\",\"text\":\"great\",\"label\":\"positive\"}\n{\"id\":\"g2\",\"text\":\"meh\",\"label\":\"maybe\"}\n{\"id\":\"g3\",\"text\":\"no label\"}\n");
        assertThat(num(golds.get("accepted"))).isEqualTo(1);
        assertThat(num(golds.get("rejected"))).isEqualTo(2);
        assertThat(num(api.get(requester, "/api/jobs/" + job).get("goldCount"))).isEqualTo(1);
    }

    @Test
    void unsupportedUploadTypeAndUploadsAfterPublishAreRefused() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 100_000);
        long job = api.createJob(requester, Map.of("goldRate", 0.0));
        assertProblem(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/items", "<xml/>").contentType(MediaType.APPLICATION_XML))),
                HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", 3));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        assertProblem(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/items", Api.itemsCsv("j", 2)).contentType("text/csv"))),
                HttpStatus.CONFLICT);
    }

    @Test
    void aLargeUploadRefreshesTheItemTablesStatisticsAndASmallOneDoesNot() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        long job = api.createJob(requester, Map.of());
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("s", 10));
        java.sql.Timestamp before = lastAnalyze();
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("t", 10));
        assertThat(lastAnalyze()).isEqualTo(before);

        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("big", JobService.ANALYZE_AFTER_ROWS));
        java.sql.Timestamp after = lastAnalyze();
        assertThat(after).isNotNull();
        if (before != null) {
            assertThat(after).isAfter(before);
        }
        assertThat(num(api.get(requester, "/api/jobs/" + job).get("itemCount"))).isEqualTo(JobService.ANALYZE_AFTER_ROWS + 20L);
    }

    /** When the item table was last analysed on request (autovacuum's runs are counted apart). */
    private java.sql.Timestamp lastAnalyze() {
        return db.autocommit(c -> io.goldfinch.common.Db.one(c, rs -> rs.getTimestamp(1),
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'item' AND schemaname = current_schema()")).orElse(null);
    }

    @Test
    void invalidJobsAreRefusedWithFieldErrors() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        HttpClientResponseException e = api.failure(api.as(requester, HttpRequest.POST("/api/jobs", Map.of(
                "title", "", "instructions", "x", "labels", List.of("only one"), "rewardMinor", -5,
                "overlapMin", 3, "overlapMax", 3, "goldRate", 0.9, "reviewWindowHours", 24))));
        assertProblem(e, HttpStatus.BAD_REQUEST);
        String body = e.getResponse().getBody(String.class).orElseThrow();
        assertThat(body).contains("title").contains("labels").contains("rewardMinor").contains("goldRate");

        HttpClientResponseException overlap = api.failure(api.as(requester, HttpRequest.POST("/api/jobs", Map.of(
                "title", "t", "instructions", "x", "labels", List.of("a", "b"), "rewardMinor", 5,
                "overlapMin", 3, "overlapMax", 2, "goldRate", 0.1, "reviewWindowHours", 24))));
        assertProblem(overlap, HttpStatus.UNPROCESSABLE_ENTITY);

        assertProblem(api.failure(api.as(requester, HttpRequest.POST("/api/jobs", "{not json").contentType(MediaType.APPLICATION_JSON))),
                HttpStatus.BAD_REQUEST);
        assertProblem(api.failure(api.as(requester, HttpRequest.GET("/api/jobs/not-a-number"))), HttpStatus.BAD_REQUEST);
        assertProblem(api.failure(api.as(requester, HttpRequest.GET("/api/no-such-route"))), HttpStatus.NOT_FOUND);
    }

    @Test
    void publishingWithoutEnoughMoneyIsRefusedAndReservesNothing() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 50);
        long job = api.createJob(requester, Map.of("goldRate", 0.0, "rewardMinor", 10));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", 10));
        HttpClientResponseException e = api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/publish", "")));
        assertProblem(e, HttpStatus.CONFLICT);
        assertThat(e.getResponse().getBody(String.class).orElseThrow()).contains("insufficient-funds");
        Map<String, Object> account = api.get(requester, "/api/account");
        assertThat(num(account.get("availableMinor"))).isEqualTo(50);
        assertThat(num(account.get("reservedMinor"))).isZero();
        assertThat(api.get(requester, "/api/jobs/" + job).get("status")).isEqualTo("DRAFT");
    }
}
