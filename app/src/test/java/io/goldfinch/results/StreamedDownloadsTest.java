package io.goldfinch.results;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `/answers` and `/results` are streamed a page at a time (4 rows in the tests): every format carries every row once, in
 * order, as one well-formed document; and a download read through a database cursor gives its connection back when it
 * ends and when its client goes away mid-body, so more downloads than there are cursor permits (4) follow each other.
 */
@MicronautTest
class StreamedDownloadsTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    EmbeddedServer server;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    JsonMapper json;

    @Test
    void answersAndResultsStreamEveryRowInOrderAndCursorsAreGivenBack() throws Exception {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.createJob(requester, Map.of("goldRate", 0.0, "overlapMin", 2, "overlapMax", 2));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("s", 9));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        api.work(api.signUp("WORKER"), job, 100, Api::byParity);
        api.work(api.signUp("WORKER"), job, 100, Api::byParity);
        String answersPath = "/api/jobs/" + job + "/answers";

        // In the order they came: 18 answers, pages of 4, 4, 4, 4, 2.
        List<String> expected = db.tx(c -> Db.list(c, rs -> rs.getString(1) + "/" + rs.getLong(2),
                "SELECT i.external_id, a.worker_id FROM assignment a JOIN item i ON i.id = a.item_id WHERE a.job_id = ? "
                        + "AND a.status IN ('SUBMITTED','ACCEPTED','REJECTED') ORDER BY a.submitted_at, a.id", job));
        assertThat(expected).hasSize(18);
        List<Map<String, Object>> answers = api.getList(requester, answersPath);
        assertThat(answers).extracting(a -> a.get("item") + "/" + Api.num(a.get("worker"))).containsExactlyElementsOf(expected);
        List<String> jsonl = api.getText(requester, answersPath + "?format=jsonl").lines().toList();
        assertThat(jsonl).hasSize(18);
        for (int n = 0; n < jsonl.size(); n++) {
            assertThat(json.readValue(jsonl.get(n), Argument.mapOf(String.class, Object.class))).isEqualTo(answers.get(n));
        }
        List<String> csv = api.getText(requester, answersPath + "?format=csv").lines().toList();
        assertThat(csv.get(0)).isEqualTo("item,worker,label,gold,status,submitted_at");
        assertThat(csv.subList(1, csv.size())).extracting(line -> line.substring(0, line.indexOf(',', line.indexOf(',') + 1)).replace(',', '/'))
                .containsExactlyElementsOf(expected);

        // Files come as attachments named after the job, the JSON as a plain response.
        io.micronaut.http.HttpResponse<String> csvFile = client.toBlocking().exchange(
                api.as(requester, HttpRequest.GET(answersPath + "?format=csv")), String.class);
        assertThat(csvFile.getHeaders().get("Content-Disposition")).isEqualTo("attachment; filename=\"job-" + job + "-answers.csv\"");
        assertThat(csvFile.getContentType().map(Object::toString)).contains("text/csv; charset=utf-8");
        io.micronaut.http.HttpResponse<String> jsonBody = client.toBlocking().exchange(api.as(requester, HttpRequest.GET(answersPath)), String.class);
        assertThat(jsonBody.getHeaders().get("Content-Disposition")).isNull();
        assertThat(jsonBody.getContentType().map(Object::toString)).contains("application/json");

        // The labels: 9 items in three pages, the same in every format.
        List<Map<String, Object>> results = api.getList(requester, "/api/jobs/" + job + "/results");
        assertThat(results).hasSize(9).allSatisfy(r -> assertThat(r.get("label"))
                .isEqualTo(Long.parseLong(((String) r.get("item")).substring(1)) % 2 == 0 ? "positive" : "negative"));
        assertThat(api.getText(requester, "/api/jobs/" + job + "/results?format=csv").lines().skip(1).map(l -> l.substring(0, l.indexOf(','))))
                .containsExactlyElementsOf(results.stream().map(r -> (String) r.get("item")).toList());

        // Clients that go away after the first bytes, then more downloads than there are cursor permits: none waits
        // for a permit or a connection a finished or abandoned download kept.
        java.net.http.HttpClient raw = java.net.http.HttpClient.newHttpClient();
        for (int n = 0; n < 6; n++) {
            HttpResponse<InputStream> started = raw.send(java.net.http.HttpRequest.newBuilder(URI.create(server.getURL() + answersPath + "?format=csv"))
                    .header("Authorization", "Bearer " + requester.token()).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(started.statusCode()).isEqualTo(200);
            try (InputStream body = started.body()) {
                assertThat(body.readNBytes(10)).hasSize(10);
            }
        }
        for (int n = 0; n < 6; n++) {
            assertThat(api.getText(requester, answersPath + "?format=jsonl").lines()).hasSize(18);
        }
        long openCursors = -1;
        for (int wait = 0; wait < 100 && openCursors != 0; wait++) {
            openCursors = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND state = 'idle in transaction' AND query LIKE 'SELECT i.external_id, a.worker_id%'"));
            if (openCursors != 0) {
                Thread.sleep(100);
            }
        }
        assertThat(openCursors).as("transactions of cursors still open").isZero();

        // Scoping and bad input still answer before any byte: another requester's job is a 404, a bad format a 422.
        Api.Session other = api.signUp("REQUESTER");
        assertThat(api.failure(api.as(other, HttpRequest.GET(answersPath))).getStatus().getCode()).isEqualTo(404);
        HttpClientResponseException bad = api.failure(api.as(requester, HttpRequest.GET(answersPath + "?format=xlsx")));
        assertThat(bad.getStatus().getCode()).isEqualTo(422);
    }
}
