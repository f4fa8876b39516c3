package io.goldfinch;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.goldfinch.review.ReviewService;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.goldfinch.support.Api.num;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole marketplace loop over REST on real Postgres and Redis: fund, create, upload 50 items and 5 golds, publish;
 * three workers label everything; golds are scored; results are right; the money adds up.
 */
@MicronautTest
class MarketplaceLoopTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;
    @Inject
    ReviewService reviews;
    @Inject
    Db db;
    @Inject
    Ledger ledger;

    private static String truth(String text) {
        int n = Integer.parseInt(text.replaceAll("\\D+", ""));
        return n % 2 == 0 ? "positive" : "negative";
    }

    @Test
    void requesterFundsPublishesWorkersLabelEverythingAndTheMoneyAddsUp() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session admin = api.admin();
        Api.Session requester = api.signUp("REQUESTER");
        long funded = 100_000;
        api.credit(admin, requester.id(), funded);

        long job = api.createJob(requester, Map.of("rewardMinor", 10, "overlapMin", 3, "overlapMax", 3, "goldRate", 0.1, "reviewWindowHours", 24));
        Map<String, Object> items = api.upload(requester, job, "items", "text/csv", Api.itemsCsv("item-", 50));
        assertThat(num(items.get("accepted"))).isEqualTo(50);
        StringBuilder golds = new StringBuilder("id,text,label\n");
        for (int g = 0; g < 5; g++) {
            golds.append("gold-").append(g).append(",\"review number ").append(100 + g).append("\",").append(truth("" + (100 + g))).append('\n');
        }
        assertThat(num(api.upload(requester, job, "golds", "text/csv", golds.toString()).get("accepted"))).isEqualTo(5);

        Map<String, Object> quote = api.get(requester, "/api/jobs/" + job + "/quote");
        long reserve = num(quote.get("totalMinor"));
        assertThat(num(quote.get("normalTasks"))).isEqualTo(150);
        assertThat(num(quote.get("feePerTaskMinor"))).isEqualTo(1); // 10% of 10
        assertThat(api.post(requester, "/api/jobs/" + job + "/publish", Map.of()).get("status")).isEqualTo("PUBLISHED");
        Map<String, Object> account = api.get(requester, "/api/account");
        assertThat(num(account.get("availableMinor"))).isEqualTo(funded - reserve);
        assertThat(num(account.get("reservedMinor"))).isEqualTo(reserve);

        // Three workers; the third answers every fifth item wrongly.
        List<Api.Session> workers = List.of(api.signUp("WORKER"), api.signUp("WORKER"), api.signUp("WORKER"));
        Map<Long, Integer> tasksPerWorker = new HashMap<>();
        Map<Long, Set<String>> textsSeen = new HashMap<>();
        List<UUID> wrongByThird = new ArrayList<>();
        for (int w = 0; w < workers.size(); w++) {
            Api.Session worker = workers.get(w);
            for (int guard = 0; guard < 200; guard++) {
                HttpResponse<Map<String, Object>> next = api.exchange(api.as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + job, "")));
                if (next.getStatus() == HttpStatus.NO_CONTENT) {
                    break;
                }
                Map<String, Object> task = next.body();
                String text = (String) ((Map<?, ?>) task.get("data")).get("text");
                assertThat(textsSeen.computeIfAbsent(worker.id(), k -> new HashSet<>()).add(text)).as("no item twice to a worker").isTrue();
                int n = Integer.parseInt(text.replaceAll("\\D+", ""));
                String label = truth(text);
                if (w == 2 && n < 100 && n % 5 == 0) {
                    label = label.equals("positive") ? "negative" : "positive";
                    wrongByThird.add(UUID.fromString((String) task.get("assignmentId")));
                }
                Map<String, Object> submitted = api.exchange(api.as(worker, HttpRequest.POST(
                                "/api/worker/tasks/" + task.get("assignmentId") + "/answer", Map.of("label", label))
                        .header("Idempotency-Key", "k-" + task.get("assignmentId")))).body();
                assertThat(submitted.get("status")).isEqualTo("SUBMITTED");
                tasksPerWorker.merge(worker.id(), 1, Integer::sum);
            }
        }
        for (Api.Session worker : workers) {
            long items50 = textsSeen.get(worker.id()).stream().filter(t -> Integer.parseInt(t.replaceAll("\\D+", "")) < 100).count();
            assertThat(items50).as("each worker answers each of the 50 items once (overlap 3, 3 workers)").isEqualTo(50);
        }

        // Golds are scored: the stored record counts every gold answer, all of them right.
        long goldAnswered = workers.stream().mapToLong(w -> textsSeen.get(w.id()).stream()
                .filter(t -> Integer.parseInt(t.replaceAll("\\D+", "")) >= 100).count()).sum();
        assertThat(goldAnswered).isGreaterThan(0).isLessThanOrEqualTo(15);
        Map<String, Object> progress = api.get(requester, "/api/jobs/" + job + "/progress");
        assertThat(num(progress.get("itemsDone"))).isEqualTo(50);
        assertThat(num(progress.get("answers"))).isEqualTo(150);
        assertThat(num(progress.get("goldAnswers"))).isEqualTo(goldAnswered);
        assertThat(num(progress.get("goldCorrect"))).isEqualTo(goldAnswered);

        // Results: majority of three is right on every item, despite the third worker's errors.
        List<Map<String, Object>> results = client.toBlocking().retrieve(api.as(requester, HttpRequest.GET("/api/jobs/" + job + "/results")),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertThat(results).hasSize(50);
        for (Map<String, Object> r : results) {
            int n = Integer.parseInt(((String) r.get("item")).replaceAll("\\D+", ""));
            assertThat(r.get("label")).as("label of %s", r.get("item")).isEqualTo(n % 2 == 0 ? "positive" : "negative");
            assertThat(num(r.get("answers"))).isEqualTo(3);
            assertThat(((Number) r.get("confidence")).doubleValue()).isBetween(0.5, 1.0);
        }
        String csv = api.getText(requester, "/api/jobs/" + job + "/results?format=csv");
        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("item,label,confidence,answers,method");
        assertThat(csv.lines().count()).isEqualTo(51);
        assertThat(api.getText(requester, "/api/jobs/" + job + "/results?format=jsonl").lines().count()).isEqualTo(50);

        // Review: one evidence-backed rejection, one approval; the rest accepted when the window passes.
        UUID rejected = wrongByThird.get(0);
        assertThat(api.post(requester, "/api/assignments/" + rejected + "/reject", Map.of("reason", "contradicts the other two answers", "evidence", "POSTERIOR"))
                .get("status")).isEqualTo("REJECTED");
        assertThat(api.post(requester, "/api/assignments/" + wrongByThird.get(1) + "/approve", Map.of()).get("status")).isEqualTo("ACCEPTED");
        clock.advance(Duration.ofHours(25));
        reviews.acceptDue();
        reviews.completeFinishedJobs();
        assertThat(api.get(requester, "/api/jobs/" + job).get("status")).isEqualTo("COMPLETED");

        // The money: every accepted task paid its reward to its worker and its fee to the platform.
        long totalTasks = tasksPerWorker.values().stream().mapToLong(Integer::longValue).sum();
        long accepted = totalTasks - 1;
        long paidToWorkers = 0;
        for (Api.Session worker : workers) {
            Map<String, Object> earnings = api.get(worker, "/api/worker/earnings");
            paidToWorkers += num(earnings.get("balanceMinor"));
            assertThat(num(earnings.get("pendingMinor"))).isZero();
        }
        assertThat(paidToWorkers).isEqualTo(accepted * 10);
        long fees = db.tx(c -> io.goldfinch.common.Db.scalarLong(c,
                "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_transfer WHERE job_id = ? AND kind = 'FEE'", job));
        assertThat(fees).isEqualTo(accepted);
        long escrowLeft = db.tx(c -> ledger.balance(c, Ledger.jobEscrow(job)));
        long available = num(api.get(requester, "/api/account").get("availableMinor"));
        long released = available - (funded - reserve);
        assertThat(escrowLeft).isZero();
        assertThat(funded).isEqualTo(available + escrowLeft + paidToWorkers + fees);
        assertThat(funded).isEqualTo((funded - reserve) + released + paidToWorkers + fees);

        Map<String, Object> summary = api.get(admin, "/api/admin/ledger");
        assertThat(num(summary.get("totalDebitsMinor"))).isEqualTo(num(summary.get("totalCreditsMinor")));
        long balanceSum = db.tx(c -> io.goldfinch.common.Db.scalarLong(c, "SELECT SUM(credits_minor - debits_minor) FROM ledger_account"));
        assertThat(balanceSum).as("every minor unit is somewhere").isZero();
    }
}
