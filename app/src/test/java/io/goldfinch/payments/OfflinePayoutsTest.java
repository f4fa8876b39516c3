package io.goldfinch.payments;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without Stripe keys: the same ledger, payouts recorded as OFFLINE and labelled so, Stripe-only calls refused. */
@MicronautTest
class OfflinePayoutsTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    Db db;
    @Inject
    Ledger ledger;

    @Test
    void payoutsAreRecordedOfflineAndNeverPresentedAsStripe() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = api.signUp("WORKER");
        db.tx(c -> ledger.post(c, new Ledger.Transfer("offline-earnings:" + worker.id(), Ledger.FUNDING, Ledger.workerBalance(worker.id()),
                2_000, "TEST", null, null, null)));
        Map<String, Object> mode = api.get(worker, "/api/payments/mode");
        assertThat(mode.get("stripe")).isEqualTo(false);
        assertThat((String) mode.get("payouts")).contains("offline").contains("not sent through Stripe");

        Map<String, Object> payout = api.post(worker, "/api/worker/payouts", Map.of());
        assertThat(payout.get("channel")).isEqualTo("OFFLINE");
        assertThat(payout.get("status")).isEqualTo("OFFLINE");
        assertThat(payout.get("stripeTransferId")).isNull();
        assertThat(((Number) payout.get("amountMinor")).longValue()).isEqualTo(2_000);
        assertThat((long) db.tx(c -> ledger.balance(c, Ledger.workerBalance(worker.id())))).isZero();

        assertThat(api.failure(api.as(worker, HttpRequest.POST("/api/worker/payout-account", ""))).getStatus().getCode()).isEqualTo(409);
        Api.Session requester = api.signUp("REQUESTER");
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/account/checkout", Map.of("amountMinor", 1_000))))
                .getResponse().getBody(String.class).orElseThrow()).contains("stripe-not-configured");
    }
}
