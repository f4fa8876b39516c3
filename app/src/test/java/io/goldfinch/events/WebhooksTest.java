package io.goldfinch.events;

import com.sun.net.httpserver.HttpServer;
import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.review.ReviewService;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end against a real HTTP receiver: a ping, then a job's life (items completed in batches, progress in
 * tenths, job completed), each request signed with the endpoint's secret and carrying its event id; a failed delivery
 * waits its backoff on the injected clock and then succeeds; a replay sends the same event again. Scans and dispatches
 * are run by hand (their schedules are off in tests).
 */
@MicronautTest
class WebhooksTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    JsonMapper json;
    @Inject
    WebhookService webhooks;
    @Inject
    ReviewService reviews;
    @Inject
    TestClock clock;

    private record Received(String eventId, String signature, String body) {
    }

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Statuses to answer with, in order; 204 once empty. */
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestHeaders().getFirst("Goldfinch-Event-Id"),
                    exchange.getRequestHeaders().getFirst("Goldfinch-Signature"), body));
            Integer status = statuses.poll();
            exchange.sendResponseHeaders(status == null ? 204 : status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private Map<String, Object> parse(String body) throws IOException {
        return json.readValue(body, Argument.mapOf(String.class, Object.class));
    }

    /** Checks every request's signature with the secret and returns the bodies received since {@code from}, parsed. */
    private List<Map<String, Object>> bodies(String secret, int from) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Received r : received.subList(from, received.size())) {
            assertThat(WebhookRules.verify(secret, r.signature(), r.body(), clock.instant().getEpochSecond(), 300)).as(r.body()).isTrue();
            Map<String, Object> body = parse(r.body());
            assertThat(r.eventId()).isEqualTo(String.valueOf(body.get("id")));
            out.add(body);
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJobsLifeReachesTheEndpointSignedRetriedAndReplayable() throws IOException {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

        Map<String, Object> endpoint = api.post(requester, "/api/webhooks", Map.of("url", url));
        String secret = (String) endpoint.get("secret");
        long endpointId = Api.num(endpoint.get("id"));
        assertThat(secret).startsWith("whsec_");
        assertThat((List<String>) endpoint.get("events")).containsExactlyElementsOf(WebhookRules.EVENT_TYPES);
        assertThat(api.getList(requester, "/api/webhooks")).singleElement().satisfies(e -> assertThat(e).doesNotContainKey("secret"));

        // Ping.
        api.exchange(api.as(requester, HttpRequest.POST("/api/webhooks/" + endpointId + "/ping", "")));
        webhooks.dispatchOnce();
        assertThat(bodies(secret, 0)).singleElement().satisfies(b -> assertThat(b).containsEntry("type", "ping"));

        // A job of 4 items, one answer each, no golds: two answered, then scanned once they settled.
        long job = api.createJob(requester, Map.of("goldRate", 0.0, "overlapMin", 1, "overlapMax", 1));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", 4));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        Api.Session worker = api.signUp("WORKER");
        assertThat(api.work(worker, job, 2, t -> "positive")).isEqualTo(2);
        webhooks.scanOnce();
        assertThat(webhooks.dispatchOnce()).as("items not settled yet: only the progress went out").isEqualTo(1);
        clock.advance(Duration.ofSeconds(31));
        webhooks.scanOnce();
        webhooks.dispatchOnce();
        List<Map<String, Object>> sent = bodies(secret, 1);
        assertThat(sent).extracting(b -> b.get("type")).containsExactly("job.progress", "items.completed");
        assertThat((Map<String, Object>) sent.get(0).get("data")).containsEntry("itemsDone", 2).containsEntry("itemsTotal", 4);
        List<Map<String, Object>> items = (List<Map<String, Object>>) ((Map<String, Object>) sent.get(1).get("data")).get("items");
        assertThat(items).extracting(i -> i.get("item")).hasSize(2).doesNotHaveDuplicates().isSubsetOf("i0", "i1", "i2", "i3");
        assertThat(items).allSatisfy(i -> assertThat(i).containsEntry("label", "positive").containsEntry("answers", 1));
        assertThat(sent).allSatisfy(b -> assertThat(Api.num(b.get("jobId"))).isEqualTo(job));
        webhooks.scanOnce();
        assertThat(webhooks.dispatchOnce()).as("nothing new to announce").isZero();

        // The rest, reviewed; the job completes. The receiver fails the first delivery.
        api.work(worker, job, 2, t -> "negative");
        List<String> assignments = db.tx(c -> Db.list(c, rs -> rs.getString(1), "SELECT id::text FROM assignment WHERE job_id = ?", job));
        for (String a : assignments) {
            api.exchange(api.as(requester, HttpRequest.POST("/api/assignments/" + a + "/approve", "")));
        }
        assertThat(reviews.completeFinishedJobs()).isPositive();
        clock.advance(Duration.ofSeconds(31));
        webhooks.scanOnce();
        statuses.add(500);
        int before = received.size();
        assertThat(webhooks.dispatchOnce()).isEqualTo(2);
        List<Map<String, Object>> deliveries = api.getList(requester, "/api/webhooks/" + endpointId + "/deliveries");
        Map<String, Object> failed = deliveries.stream().filter(d -> d.get("status").equals("PENDING")).findFirst().orElseThrow();
        assertThat(failed).containsEntry("attempts", 1).containsEntry("lastStatus", 500).containsEntry("lastError", "HTTP 500");
        assertThat(webhooks.dispatchOnce()).as("not due before its backoff").isZero();
        clock.advance(WebhookRules.retryDelay(1));
        assertThat(webhooks.dispatchOnce()).isEqualTo(1);
        List<Map<String, Object>> last = bodies(secret, before);
        assertThat(last).hasSize(4);
        assertThat(last.subList(1, 4)).extracting(b -> b.get("type")).containsExactlyInAnyOrder("items.completed", "job.progress", "job.completed");
        assertThat(last.get(3).get("id")).as("the retry is the same event").isEqualTo(last.get(0).get("id"));
        assertThat(api.getList(requester, "/api/webhooks/" + endpointId + "/deliveries"))
                .allSatisfy(d -> assertThat(d).containsEntry("status", "DELIVERED"));

        // Replay: the same event again.
        long deliveryId = Api.num(failed.get("id"));
        Map<String, Object> replayed = api.post(requester, "/api/webhooks/deliveries/" + deliveryId + "/replay", Map.of());
        assertThat(replayed).containsEntry("status", "PENDING").containsEntry("attempts", 0);
        int beforeReplay = received.size();
        webhooks.dispatchOnce();
        assertThat(received.subList(beforeReplay, received.size())).singleElement()
                .satisfies(r -> assertThat(r.body()).isEqualTo(received.get(before).body()));
        webhooks.scanOnce();
        assertThat(webhooks.dispatchOnce()).as("a completed job is announced once").isZero();

        // Bad input and scoping.
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/webhooks", Map.of("url", "ftp://example.com/x")))).getStatus().getCode()).isEqualTo(422);
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/webhooks", Map.of("url", url, "events", List.of("job.exploded"))))).getStatus().getCode())
                .isEqualTo(422);
        Api.Session other = api.signUp("REQUESTER");
        HttpClientResponseException notFound = api.failure(api.as(other, HttpRequest.GET("/api/webhooks/" + endpointId + "/deliveries")));
        assertThat(notFound.getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(other, HttpRequest.POST("/api/webhooks/deliveries/" + deliveryId + "/replay", ""))).getStatus().getCode()).isEqualTo(404);
        assertThat(api.failure(api.as(worker, HttpRequest.GET("/api/webhooks"))).getStatus().getCode()).isEqualTo(403);

        // Removed: nothing more is sent to it.
        api.exchange(api.as(requester, HttpRequest.DELETE("/api/webhooks/" + endpointId)));
        assertThat(api.getList(requester, "/api/webhooks")).singleElement().satisfies(e -> assertThat(e).containsEntry("active", false));
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/webhooks/" + endpointId + "/ping", ""))).getStatus().getCode()).isEqualTo(409);
    }

    @Test
    void aPausedJobIsAnnouncedAndItsResumptionAfterATopUpToo() throws IOException {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.fundedRequester(admin);
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        Map<String, Object> endpoint = api.post(requester, "/api/webhooks", Map.of("url", url, "events", List.of("job.paused", "job.resumed")));
        String secret = (String) endpoint.get("secret");
        long job = api.createJob(requester, Map.of("goldRate", 0.0));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("i", 3));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        webhooks.scanOnce();
        assertThat(webhooks.dispatchOnce()).as("a running job is not news").isZero();

        // The escrow ran short (as a reversal paid from it would leave it): the job pauses; a top-up resumes it.
        db.tx(c -> Db.update(c, "UPDATE job SET status = 'PAUSED' WHERE id = ?", job));
        webhooks.scanOnce();
        webhooks.dispatchOnce();
        api.post(requester, "/api/jobs/" + job + "/top-up", Map.of("amountMinor", 100, "reference", "t-" + job));
        webhooks.scanOnce();
        webhooks.dispatchOnce();
        List<Map<String, Object>> sent = bodies(secret, 0);
        assertThat(sent).extracting(b -> b.get("type")).containsExactly("job.paused", "job.resumed");
        assertThat(sent).allSatisfy(b -> assertThat(Api.num(b.get("jobId"))).isEqualTo(job));
        webhooks.scanOnce();
        assertThat(webhooks.dispatchOnce()).isZero();
    }
}
