package io.goldfinch.results;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.support.Api;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Dataset snapshots end to end: workers label a job through the API, the requester freezes the labels as version 1,
 * more answers come in, version 2 differs while version 1 stays byte for byte what it was (its SHA-256 still matches
 * its download, and the database refuses to change it). Exports carry provenance; golds never appear; only the job's
 * requester (and quality managers) see any of it.
 */
@MicronautTest
class SnapshotsTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    JsonMapper json;

    /** The label an honest worker gives: even review numbers are positive; {@code flip} gives the other one. */
    private static java.util.function.Function<String, String> labels(boolean flip) {
        return task -> (Api.reviewNumber(task) % 2 == 0) != flip ? "positive" : "negative";
    }

    private static int status(HttpClientResponseException e) {
        return e.getStatus().getCode();
    }

    @Test
    @SuppressWarnings("unchecked")
    void versionsFreezeTheLabelsWithProvenanceAndAnOldVersionNeverChanges() throws IOException {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.createJob(requester, Map.of("goldRate", 0.2, "overlapMin", 3, "overlapMax", 3));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", 12));
        api.upload(requester, job, "golds", "text/csv", "id,text,label\ng0,\"review number 900\",positive\ng1,\"review number 901\",negative\n");
        String base = "/api/jobs/" + job + "/snapshots";

        // Nothing to freeze before the first answer.
        assertThat(status(api.failure(api.as(requester, HttpRequest.POST(base, ""))))).isEqualTo(409);

        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        Api.Session w1 = api.signUp("WORKER");
        Api.Session w2 = api.signUp("WORKER");
        Api.Session spammer = api.signUp("WORKER");
        api.work(w1, job, 100, labels(false));
        api.work(w2, job, 100, labels(false));
        api.work(spammer, job, 6, labels(true));

        HttpResponse<Map<String, Object>> created = api.exchange(api.as(requester, HttpRequest.POST(base, "")));
        assertThat(created.getStatus().getCode()).isEqualTo(201);
        assertThat(created.getHeaders().get("Location")).isEqualTo(base + "/1");
        Map<String, Object> v1 = created.body();
        long answers = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM assignment WHERE job_id = ? AND status IN ('SUBMITTED','ACCEPTED')", job));
        long answeredItems = db.tx(c -> Db.scalarLong(c, "SELECT count(DISTINCT item_id) FROM assignment a JOIN item i ON i.id = a.item_id "
                + "WHERE a.job_id = ? AND NOT i.is_gold AND a.status IN ('SUBMITTED','ACCEPTED')", job));
        assertThat(Api.num(v1.get("version"))).isEqualTo(1);
        assertThat(Api.num(v1.get("answers"))).isEqualTo(answers);
        assertThat(Api.num(v1.get("items"))).isEqualTo(answeredItems).isEqualTo(12);
        assertThat(Api.num(v1.get("workers"))).isEqualTo(3);
        assertThat(Api.num(v1.get("createdBy"))).isEqualTo(requester.id());
        assertThat(v1.get("method")).isEqualTo("auto");
        assertThat((String) v1.get("model")).startsWith("auto:");

        // The labels are the live results' labels (same engine, same answers), each with its provenance.
        List<Map<String, Object>> items = api.getList(requester, base + "/1/items");
        List<Map<String, Object>> live = api.getList(requester, "/api/jobs/" + job + "/results");
        assertThat(items).hasSize(12);
        Map<String, Object> liveLabels = new HashMap<>();
        live.forEach(r -> liveLabels.put((String) r.get("item"), r.get("label")));
        for (Map<String, Object> item : items) {
            assertThat((String) item.get("item")).as("golds never appear").startsWith("i");
            assertThat(item.get("label")).isEqualTo(liveLabels.get(item.get("item")));
            assertThat(Api.num(item.get("version"))).isEqualTo(1);
            assertThat(item.get("model")).isEqualTo(v1.get("model"));
            assertThat(item.get("source")).isEqualTo("crowd");
            assertThat(((Number) item.get("confidence")).doubleValue()).isBetween(0.5, 1.0);
        }
        // Two honest workers answered every item, the spammer (who flips every label) at most once each.
        long right = items.stream().filter(i -> i.get("label").equals(
                Long.parseLong(((String) i.get("item")).substring(1)) % 2 == 0 ? "positive" : "negative")).count();
        assertThat(right).isEqualTo(12);

        // The CSV download is exactly what the stored SHA-256 covers.
        String csv1 = api.getText(requester, base + "/1/items?format=csv");
        assertThat(csv1.lines().findFirst()).contains("item,label,confidence,answers,version,model,source");
        assertThat(SnapshotService.sha256(csv1)).isEqualTo(v1.get("contentSha256"));
        assertThat(api.getText(requester, base + "/1/items?format=jsonl").lines().count()).isEqualTo(12);

        // Label Studio tasks: the item's data, the label as a prediction scored by its confidence.
        List<Map<String, Object>> tasks = json.readValue(api.getText(requester, base + "/1/items?format=label-studio&fromName=sentiment"),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertThat(tasks).hasSize(12);
        Map<String, Object> first = tasks.get(0);
        Map<String, Object> data = (Map<String, Object>) first.get("data");
        assertThat(data).containsEntry("goldfinch_item", items.get(0).get("item")).containsKey("text");
        Map<String, Object> prediction = ((List<Map<String, Object>>) first.get("predictions")).get(0);
        assertThat(((Number) prediction.get("score")).doubleValue()).isCloseTo(((Number) items.get(0).get("confidence")).doubleValue(), within(1e-12));
        assertThat((String) prediction.get("model_version")).contains("v1").contains((String) v1.get("model"));
        Map<String, Object> result = ((List<Map<String, Object>>) prediction.get("result")).get(0);
        assertThat(result).containsEntry("from_name", "sentiment").containsEntry("to_name", "text").containsEntry("type", "choices");
        assertThat((Map<String, Object>) result.get("value")).containsEntry("choices", List.of(items.get(0).get("label")));

        // Worker models: one confusion matrix per worker over the job's labels, each row a distribution.
        Map<String, Object> models = api.get(requester, base + "/1/workers");
        assertThat(models.get("labels")).isEqualTo(List.of("positive", "negative"));
        List<Map<String, Object>> workers = (List<Map<String, Object>>) models.get("workers");
        assertThat(workers).extracting(w -> Api.num(w.get("worker"))).containsExactlyInAnyOrder(w1.id(), w2.id(), spammer.id());
        for (Map<String, Object> w : workers) {
            for (List<Number> row : (List<List<Number>>) w.get("confusion")) {
                assertThat(row.stream().mapToDouble(Number::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
            }
        }
        Map<String, Object> spammerModel = workers.stream().filter(w -> Api.num(w.get("worker")) == spammer.id()).findFirst().orElseThrow();
        double spammerRight = ((Number) ((List<List<Number>>) spammerModel.get("confusion")).get(0).get(0)).doubleValue();
        assertThat(spammerRight).as("the spammer's P(positive | positive)").isLessThan(0.5);

        // More answers, then version 2; version 1 is unchanged.
        Api.Session w3 = api.signUp("WORKER");
        assertThat(api.work(w3, job, 3, labels(false))).isEqualTo(3);
        Map<String, Object> v2 = api.post(requester, base, Map.of());
        assertThat(Api.num(v2.get("version"))).isEqualTo(2);
        assertThat(Api.num(v2.get("answers"))).isEqualTo(answers + 3);
        assertThat(api.getText(requester, base + "/1/items?format=csv")).isEqualTo(csv1);
        assertThat(api.get(requester, base + "/1")).isEqualTo(v1);
        assertThat(api.getList(requester, base)).extracting(s -> Api.num(s.get("version"))).containsExactly(2L, 1L);
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "UPDATE dataset_snapshot_item SET label = 'negative' "
                + "WHERE snapshot_id = (SELECT id FROM dataset_snapshot WHERE job_id = ? AND version = 1)", job)))
                .hasMessageContaining("immutable");
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "DELETE FROM dataset_snapshot WHERE job_id = ?", job)))
                .hasMessageContaining("immutable");

        // Bad input is a 4xx with a problem body; scoping: another requester 404, a worker 403, a quality manager sees it.
        HttpClientResponseException bad = api.failure(api.as(requester, HttpRequest.GET(base + "/1/items?format=xlsx")));
        assertThat(status(bad)).isEqualTo(422);
        assertThat(bad.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        assertThat(status(api.failure(api.as(requester, HttpRequest.GET(base + "/1/items?format=label-studio&toName=%20"))))).isEqualTo(422);
        assertThat(status(api.failure(api.as(requester, HttpRequest.GET(base + "/9"))))).isEqualTo(404);
        assertThat(status(api.failure(api.as(requester, HttpRequest.GET(base + "/9/items?format=csv"))))).isEqualTo(404);
        Api.Session other = api.signUp("REQUESTER");
        assertThat(status(api.failure(api.as(other, HttpRequest.GET(base))))).isEqualTo(404);
        assertThat(status(api.failure(api.as(other, HttpRequest.POST(base, ""))))).isEqualTo(404);
        assertThat(status(api.failure(api.as(other, HttpRequest.GET(base + "/1/items"))))).isEqualTo(404);
        assertThat(status(api.failure(api.as(w1, HttpRequest.GET(base + "/1/items"))))).isEqualTo(403);
        assertThat(api.getList(admin, base)).hasSize(2);
    }

    /**
     * Downloads are streamed a page at a time (4 items in the tests): ten items make pages of 4, 4 and 2, and every
     * format carries each item once, in the same order, as one well-formed document — the CSV still the bytes of its
     * SHA-256, the JSON arrays with their commas between pages.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyFormatStreamsAllItemsInOrderAcrossPages() throws IOException {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        long job = api.createJob(requester, Map.of("goldRate", 0.0, "overlapMin", 2, "overlapMax", 2));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("p", 10));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        api.work(api.signUp("WORKER"), job, 100, labels(false));
        api.work(api.signUp("WORKER"), job, 100, labels(false));
        String base = "/api/jobs/" + job + "/snapshots";
        Map<String, Object> v1 = api.post(requester, base, Map.of());
        assertThat(Api.num(v1.get("items"))).isEqualTo(10);

        List<Map<String, Object>> items = api.getList(requester, base + "/1/items");
        List<String> order = items.stream().map(i -> (String) i.get("item")).toList();
        assertThat(order).hasSize(10).doesNotHaveDuplicates().isSorted();

        String csv = api.getText(requester, base + "/1/items?format=csv");
        assertThat(SnapshotService.sha256(csv)).isEqualTo(v1.get("contentSha256"));
        assertThat(csv.lines().skip(1).map(line -> line.substring(0, line.indexOf(',')))).containsExactlyElementsOf(order);

        List<String> jsonl = api.getText(requester, base + "/1/items?format=jsonl").lines().toList();
        assertThat(jsonl).hasSize(10);
        for (int n = 0; n < 10; n++) {
            assertThat(json.readValue(jsonl.get(n), Argument.mapOf(String.class, Object.class))).isEqualTo(items.get(n));
        }

        List<Map<String, Object>> tasks = json.readValue(api.getText(requester, base + "/1/items?format=label-studio"),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertThat(tasks).extracting(t -> ((Map<String, Object>) t.get("data")).get("goldfinch_item")).containsExactlyElementsOf(order);
    }

    /**
     * A version lists its items in the byte order of their ids, whatever the database's collation, and its download
     * keeps that order: ids whose order differs between UTF-16 units, code points and linguistic collations (case,
     * punctuation, a character beyond U+FFFF against one just below it) still download as the bytes of the SHA-256.
     */
    @Test
    void itemsAreListedInTheByteOrderOfTheirIds() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.createJob(requester, Map.of("goldRate", 0.0, "overlapMin", 1, "overlapMax", 1));
        String fullwidthA = "\uFF21";
        String grinning = new String(Character.toChars(0x1F600));
        api.upload(requester, job, "items", "text/csv", "id,text\n" + fullwidthA + ",review number 2\n" + grinning
                + ",review number 4\nab,review number 6\na-c,review number 8\nB,review number 10\n");
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        assertThat(api.work(api.signUp("WORKER"), job, 100, labels(false))).isEqualTo(5);
        String base = "/api/jobs/" + job + "/snapshots";
        Map<String, Object> v1 = api.post(requester, base, Map.of());

        String csv = api.getText(requester, base + "/1/items?format=csv");
        assertThat(csv.lines().skip(1).map(line -> line.substring(0, line.indexOf(','))))
                .containsExactly("B", "a-c", "ab", fullwidthA, grinning);
        assertThat(SnapshotService.sha256(csv)).isEqualTo(v1.get("contentSha256"));
        assertThat(SnapshotService.byCodePoints(fullwidthA, grinning)).isNegative();
        assertThat(fullwidthA.compareTo(grinning)).as("UTF-16 order differs").isPositive();
    }
}
