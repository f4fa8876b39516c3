package io.goldfinch.payments;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Stripe funding, webhooks and payouts against a local fake of Stripe's HTTP API, with stripe-java pointed at it. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StripePaymentsTest implements TestPropertyProvider {

    private static final String WEBHOOK_SECRET = "whsec_test_goldfinch";
    private final FakeStripe stripe;

    StripePaymentsTest() {
        try {
            stripe = new FakeStripe();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("goldfinch.stripe.secret-key", "sk_test_fake", "goldfinch.stripe.api-base", stripe.url(),
                "goldfinch.stripe.webhook-secret", WEBHOOK_SECRET, "goldfinch.stripe.read-timeout-ms", "700",
                "goldfinch.payout-minimum-minor", "100", "goldfinch.payout-reconcile-interval", "1h");
    }

    @AfterAll
    void stop() {
        stripe.close();
    }

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    Ledger ledger;
    @Inject
    TestClock clock;
    @Inject
    PayoutService payouts;
    @Inject
    TestCrashPoints crash;

    private String sign(String payload, long timestamp, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = HexFormat.of().formatHex(mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8)));
            return "t=" + timestamp + ",v1=" + sig;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int post(String payload, String signature) {
        var request = HttpRequest.POST("/api/stripe/webhook", payload).contentType("application/json");
        if (signature != null) {
            request.header("Stripe-Signature", signature);
        }
        try {
            return client.toBlocking().exchange(request, String.class).getStatus().getCode();
        } catch (io.micronaut.http.client.exceptions.HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    private long balance(String code) {
        return db.tx(c -> ledger.balance(c, code));
    }

    @Test
    void aCheckoutIsCreditedOnceHoweverOftenItsWebhookArrivesAndForgedOrStaleOnesChangeNothing() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        Map<String, Object> started = api.post(requester, "/api/account/checkout", Map.of("amountMinor", 5_000));
        assertThat((String) started.get("checkoutUrl")).startsWith("https://checkout.stripe.com/");
        String checkoutId = (String) started.get("checkoutId");
        long now = clock.instant().getEpochSecond();
        String event = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":" + now
                + ",\"livemode\":false,\"type\":\"checkout.session.completed\",\"data\":{\"object\":{\"id\":\"" + started.get("sessionId")
                + "\",\"object\":\"checkout.session\",\"payment_status\":\"paid\",\"amount_total\":5000,\"currency\":\"usd\","
                + "\"client_reference_id\":\"" + requester.id() + "\",\"metadata\":{\"goldfinch_checkout\":\"" + checkoutId + "\"}}}}";

        assertThat(post(event, sign(event, now, "whsec_wrong"))).as("forged").isEqualTo(400);
        assertThat(post(event, null)).as("missing signature").isEqualTo(400);
        assertThat(post(event, sign(event, now - 3600, WEBHOOK_SECRET))).as("stale").isEqualTo(400);
        assertThat(post(event.replace("5000", "9000"), sign(event, now, WEBHOOK_SECRET))).as("body altered").isEqualTo(400);
        assertThat(balance(Ledger.requesterAvailable(requester.id()))).isZero();

        for (int i = 0; i < 1000; i++) {
            assertThat(post(event, sign(event, now, WEBHOOK_SECRET))).isEqualTo(200);
        }
        assertThat(balance(Ledger.requesterAvailable(requester.id()))).isEqualTo(5_000);
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM ledger_transfer WHERE idempotency_key = ?", "stripe-checkout:" + checkoutId)))
                .isEqualTo(1);
    }

    private static String checkoutEvent(String type, Map<String, Object> started, long requester, long amountTotal, String paymentStatus,
                                        long created) {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":" + created
                + ",\"livemode\":false,\"type\":\"" + type + "\",\"data\":{\"object\":{\"id\":\"" + started.get("sessionId")
                + "\",\"object\":\"checkout.session\",\"payment_status\":\"" + paymentStatus + "\",\"amount_total\":" + amountTotal
                + ",\"currency\":\"usd\",\"client_reference_id\":\"" + requester + "\",\"metadata\":{\"goldfinch_checkout\":\""
                + started.get("checkoutId") + "\"}}}}";
    }

    private static String accountEvent(String account, long created, boolean payoutsEnabled) {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"object\":\"event\",\"created\":" + created
                + ",\"type\":\"account.updated\",\"data\":{\"object\":{\"id\":\"" + account
                + "\",\"object\":\"account\",\"payouts_enabled\":" + payoutsEnabled + "}}}";
    }

    @Test
    void webhooksDeliveredTwiceInAnyOrderReachTheSameState() {
        long seed = Long.getLong("goldfinch.webhook.seed", System.nanoTime());
        System.out.println("webhook order seed " + seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        Api api = new Api(client.toBlocking(), users);
        int rounds = 20;
        for (int round = 0; round < rounds; round++) {
            Api.Session requester = api.signUp("REQUESTER");
            Map<String, Object> card = api.post(requester, "/api/account/checkout", Map.of("amountMinor", 3_000));
            Map<String, Object> bank = api.post(requester, "/api/account/checkout", Map.of("amountMinor", 2_000));
            Map<String, Object> tampered = api.post(requester, "/api/account/checkout", Map.of("amountMinor", 1_000));
            Api.Session worker = api.signUp("WORKER");
            String account = (String) api.post(worker, "/api/worker/payout-account", Map.of()).get("accountId");
            long now = clock.instant().getEpochSecond();
            List<String> events = List.of(
                    checkoutEvent("checkout.session.completed", card, requester.id(), 3_000, "paid", now),
                    checkoutEvent("checkout.session.completed", bank, requester.id(), 2_000, "unpaid", now - 5),
                    checkoutEvent("checkout.session.async_payment_succeeded", bank, requester.id(), 2_000, "paid", now),
                    checkoutEvent("checkout.session.completed", tampered, requester.id(), 100, "paid", now),
                    accountEvent(account, now - 30, true),
                    accountEvent(account, now - 20, false),
                    accountEvent(account, now - 10, true));
            List<String> deliveries = new java.util.ArrayList<>(events);
            deliveries.addAll(events);
            for (int i = deliveries.size() - 1; i > 0; i--) {
                java.util.Collections.swap(deliveries, i, random.nextInt(i + 1));
            }
            for (String event : deliveries) {
                assertThat(post(event, sign(event, now, WEBHOOK_SECRET))).isEqualTo(200);
            }
            assertThat(balance(Ledger.requesterAvailable(requester.id()))).as("round %d: card + bank, not the tampered one", round)
                    .isEqualTo(5_000);
            assertThat(db.tx(c -> Db.one(c, rs -> rs.getBoolean(1), "SELECT payouts_enabled FROM payout_account WHERE worker_id = ?",
                    worker.id())).orElseThrow()).as("round %d: the newest account.updated wins", round).isTrue();
        }
    }

    /** A worker with an onboarded payout account and a balance of 1,000. */
    private Api.Session paidWorker(Api api) {
        Api.Session worker = api.signUp("WORKER");
        Map<String, Object> onboarding = api.post(worker, "/api/worker/payout-account", Map.of());
        assertThat((String) onboarding.get("onboardingUrl")).startsWith("https://connect.stripe.com/");
        long now = clock.instant().getEpochSecond();
        String account = (String) onboarding.get("accountId");
        String older = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"object\":\"event\",\"created\":" + (now - 10)
                + ",\"type\":\"account.updated\",\"data\":{\"object\":{\"id\":\"" + account + "\",\"object\":\"account\",\"payouts_enabled\":false}}}";
        String newer = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"object\":\"event\",\"created\":" + now
                + ",\"type\":\"account.updated\",\"data\":{\"object\":{\"id\":\"" + account + "\",\"object\":\"account\",\"payouts_enabled\":true}}}";
        // Out of order: the newer event first; the older one must not undo it.
        assertThat(post(newer, sign(newer, now, WEBHOOK_SECRET))).isEqualTo(200);
        assertThat(post(older, sign(older, now, WEBHOOK_SECRET))).isEqualTo(200);
        db.tx(c -> ledger.post(c, new Ledger.Transfer("test-earnings:" + worker.id(), Ledger.FUNDING, Ledger.workerBalance(worker.id()),
                1_000, "TEST", null, null, "earnings for the test")));
        return worker;
    }

    private void assertPaidOnce(long workerId, UUID payout, long balanceBefore) {
        String group = "payout-" + payout;
        assertThat(stripe.transfers).filteredOn(t -> t.group().equals(group)).as("transfers made at Stripe").hasSize(1);
        assertThat(stripe.transfers).filteredOn(t -> t.group().equals(group)).extracting(FakeStripe.TransferMade::idempotencyKey)
                .containsOnly(group);
        assertThat(stripe.transferKeysSeen).filteredOn(k -> k.contains(payout.toString())).as("one key across retries").containsOnly(group);
        assertThat(db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT status FROM payout WHERE id = ?", payout)).orElseThrow()).isEqualTo("PAID");
        assertThat(balance(Ledger.workerBalance(workerId))).isEqualTo(balanceBefore - 600);
    }

    @ParameterizedTest(name = "crash {0}, then restart")
    @ValueSource(strings = {CrashPoints.AFTER_PENDING, CrashPoints.AFTER_SUBMITTED, CrashPoints.AFTER_STRIPE_CALL})
    void aPayoutInterruptedAtAnyStepIsPaidExactlyOnceAfterRestart(String point) {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = paidWorker(api);
        long before = balance(Ledger.workerBalance(worker.id()));
        crash.armAt(point);
        var failure = api.failure(api.as(worker, HttpRequest.POST("/api/worker/payouts", Map.of("amountMinor", 600))));
        assertThat(failure.getStatus().getCode()).isEqualTo(500);
        UUID payout = db.tx(c -> Db.one(c, rs -> rs.getObject(1, UUID.class), "SELECT id FROM payout WHERE worker_id = ?", worker.id())).orElseThrow();
        // "Restart": the reconciler finds the payout stale and finishes it.
        clock.advance(Duration.ofMinutes(5));
        payouts.reconcile(Duration.ofMinutes(2));
        payouts.reconcile(Duration.ofMinutes(2));
        assertPaidOnce(worker.id(), payout, before);
    }

    @ParameterizedTest(name = "Stripe answers {0}")
    @ValueSource(strings = {"500", "409", "timeout"})
    void unclearAnswersFromStripeAreResolvedWithoutPayingTwice(String failure) {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = paidWorker(api);
        long before = balance(Ledger.workerBalance(worker.id()));
        synchronized (stripe.failNextTransfers) {
            stripe.failNextTransfers.add(failure);
        }
        Map<String, Object> payout = api.post(worker, "/api/worker/payouts", Map.of("amountMinor", 600));
        assertThat(payout.get("status")).isEqualTo("UNKNOWN");
        assertThat(balance(Ledger.workerBalance(worker.id()))).as("held while unknown").isEqualTo(before - 600);
        payouts.reconcile(Duration.ofMinutes(2));
        assertPaidOnce(worker.id(), UUID.fromString((String) payout.get("id")), before);
    }

    private void failNext(String... failures) {
        synchronized (stripe.failNextTransfers) {
            stripe.failNextTransfers.addAll(List.of(failures));
        }
    }

    private long transferCalls(UUID payout) {
        return stripe.transferKeysSeen.stream().filter(k -> k.equals("payout-" + payout)).count();
    }

    private String status(UUID payout) {
        return db.tx(c -> Db.one(c, rs -> rs.getString(1), "SELECT status FROM payout WHERE id = ?", payout)).orElseThrow();
    }

    /** Tries a payout until its attempts are used up, each retry a minute after the last. */
    private UUID exhaustAttempts(Api api, Api.Session worker) {
        Map<String, Object> first = api.post(worker, "/api/worker/payouts", Map.of("amountMinor", 600));
        UUID payout = UUID.fromString((String) first.get("id"));
        for (int i = 0; i < PayoutService.MAX_ATTEMPTS + 1; i++) { // two more calls than attempts left: they must not send
            clock.advance(Duration.ofMinutes(1));
            payouts.process(payout);
        }
        return payout;
    }

    @Test
    void retriesAreBoundedAndAPayoutStripeNeverReceivedFailsBackToTheBalanceOnceSettled() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = paidWorker(api);
        long before = balance(Ledger.workerBalance(worker.id()));
        String[] failures = new String[PayoutService.MAX_ATTEMPTS];
        java.util.Arrays.fill(failures, "500");
        failNext(failures);
        UUID payout = exhaustAttempts(api, worker);
        assertThat(transferCalls(payout)).as("calls that could create a transfer").isEqualTo(PayoutService.MAX_ATTEMPTS);
        assertThat(stripe.transferKeysSeen).filteredOn(k -> k.contains(payout.toString())).containsOnly("payout-" + payout);
        assertThat(status(payout)).isEqualTo("UNKNOWN");
        assertThat(balance(Ledger.workerBalance(worker.id()))).as("held, not lost, while unknown").isEqualTo(before - 600);

        clock.advance(PayoutService.SETTLE.plusMinutes(1));
        payouts.reconcile(Duration.ofMinutes(2));
        assertThat(status(payout)).isEqualTo("FAILED");
        assertThat(transferCalls(payout)).as("settling only asks").isEqualTo(PayoutService.MAX_ATTEMPTS);
        assertThat(stripe.transfers).noneMatch(t -> t.group().equals("payout-" + payout));
        assertThat(balance(Ledger.workerBalance(worker.id()))).isEqualTo(before);
        payouts.reconcile(Duration.ofMinutes(2));
        assertThat(balance(Ledger.workerBalance(worker.id()))).as("reversed once").isEqualTo(before);
    }

    @Test
    void aLastAttemptWhoseAnswerWasLostIsFoundAtStripeAndPaidOnce() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = paidWorker(api);
        long before = balance(Ledger.workerBalance(worker.id()));
        String[] failures = new String[PayoutService.MAX_ATTEMPTS];
        java.util.Arrays.fill(failures, "500");
        failures[failures.length - 1] = "timeout"; // the last attempt makes the transfer, but its answer never arrives
        failNext(failures);
        UUID payout = exhaustAttempts(api, worker);
        assertThat(status(payout)).isEqualTo("UNKNOWN");
        assertThat(transferCalls(payout)).isEqualTo(PayoutService.MAX_ATTEMPTS);

        payouts.reconcile(Duration.ofMinutes(2));
        assertThat(status(payout)).as("not settled before its time").isEqualTo("UNKNOWN");
        clock.advance(PayoutService.SETTLE.plusMinutes(1));
        payouts.reconcile(Duration.ofMinutes(2));
        assertPaidOnce(worker.id(), payout, before);
        assertThat(transferCalls(payout)).isEqualTo(PayoutService.MAX_ATTEMPTS);
    }

    @Test
    void aPayoutStripeRefusesFailsAndTheMoneyGoesBackToTheBalance() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = paidWorker(api);
        long before = balance(Ledger.workerBalance(worker.id()));
        synchronized (stripe.failNextTransfers) {
            stripe.failNextTransfers.add("400");
        }
        Map<String, Object> payout = api.post(worker, "/api/worker/payouts", Map.of("amountMinor", 600));
        assertThat(payout.get("status")).isEqualTo("FAILED");
        assertThat(balance(Ledger.workerBalance(worker.id()))).isEqualTo(before);
        payouts.reconcile(Duration.ofMinutes(2));
        assertThat(stripe.transfers).noneMatch(t -> t.group().equals("payout-" + payout.get("id")));
        List<Map<String, Object>> listed = api.getList(worker, "/api/worker/payouts");
        assertThat(listed).singleElement().satisfies(p -> assertThat(p.get("status")).isEqualTo("FAILED"));
    }

    @Test
    void payoutsNeedAReadyAccountAndTheMinimum() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session fresh = api.signUp("WORKER");
        db.tx(c -> ledger.post(c, new Ledger.Transfer("test-earnings:" + fresh.id(), Ledger.FUNDING, Ledger.workerBalance(fresh.id()),
                1_000, "TEST", null, null, null)));
        assertThat(api.failure(api.as(fresh, HttpRequest.POST("/api/worker/payouts", Map.of("amountMinor", 600)))).getStatus().getCode())
                .isEqualTo(409);
        Api.Session worker = paidWorker(api);
        assertThat(api.failure(api.as(worker, HttpRequest.POST("/api/worker/payouts", Map.of("amountMinor", 50)))).getStatus().getCode())
                .isEqualTo(422);
        assertThat(api.failure(api.as(worker, HttpRequest.POST("/api/worker/payouts", Map.of("amountMinor", 5_000)))).getStatus().getCode())
                .isEqualTo(409);
    }

    @Test
    void balancesThatReachTheMinimumArePaidOutAutomaticallyOnce() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = paidWorker(api);
        long before = balance(Ledger.workerBalance(worker.id()));
        assertThat(payouts.payDueBalances()).isGreaterThanOrEqualTo(1);
        List<Map<String, Object>> listed = api.getList(worker, "/api/worker/payouts");
        assertThat(listed).singleElement().satisfies(p -> {
            assertThat(p.get("status")).isEqualTo("PAID");
            assertThat(num(p.get("amountMinor"))).isEqualTo(before);
        });
        assertThat(balance(Ledger.workerBalance(worker.id()))).isZero();
        payouts.payDueBalances();
        assertThat(api.getList(worker, "/api/worker/payouts")).hasSize(1);
    }

    private static long num(Object o) {
        return ((Number) o).longValue();
    }
}
