package io.goldfinch.payments;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Stripe webhooks: the signature is verified on the raw body with a tolerance (stripe-java, with our clock); each event
 * id is recorded once, in the same transaction as its effect, so a redelivered event changes nothing; the effects are
 * idempotent and order-free (a checkout credits its own ledger key once; account readiness applies only newer events).
 */
@Singleton
public class StripeWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhooks.class);

    private final Db db;
    private final Ledger ledger;
    private final JsonMapper json;
    private final Clock clock;
    private final String secret;
    private final long toleranceSeconds;

    public StripeWebhooks(Db db, Ledger ledger, JsonMapper json, Clock clock,
                          @Value("${goldfinch.stripe.webhook-secret:}") String secret,
                          @Value("${goldfinch.stripe.webhook-tolerance-seconds:300}") long toleranceSeconds) {
        this.db = db;
        this.ledger = ledger;
        this.json = json;
        this.clock = clock;
        this.secret = secret;
        this.toleranceSeconds = toleranceSeconds;
    }

    /** Returns true when the event was applied now, false when it had been applied before (or is of no interest). */
    public boolean receive(String payload, String signatureHeader) {
        if (secret.isBlank()) {
            throw new ApiException(io.micronaut.http.HttpStatus.NOT_FOUND, "not-found", "Stripe webhooks are not configured");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw ApiException.badRequest("bad-signature", "the Stripe-Signature header is missing");
        }
        try {
            Webhook.constructEvent(payload, signatureHeader, secret, toleranceSeconds, clock);
        } catch (SignatureVerificationException e) {
            throw ApiException.badRequest("bad-signature", "the signature does not verify: " + e.getMessage());
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad-event", "not a Stripe event");
        }
        Map<String, Object> event;
        try {
            event = json.readValue(payload, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw ApiException.badRequest("bad-event", "not a Stripe event");
        }
        String id = String.valueOf(event.get("id"));
        String type = String.valueOf(event.get("type"));
        long created = event.get("created") instanceof Number n ? n.longValue() : 0;
        Map<?, ?> data = event.get("data") instanceof Map<?, ?> d ? d : Map.of();
        Map<?, ?> object = data.get("object") instanceof Map<?, ?> o ? o : Map.of();
        return db.tx(c -> {
            int fresh = Db.update(c, "INSERT INTO stripe_event (id, type, created, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    id, type, created, Timestamp.from(clock.instant()));
            if (fresh == 0) {
                return false;
            }
            switch (type) {
                // A card payment is paid on completion; a delayed method (bank debit) completes unpaid and succeeds later.
                case "checkout.session.completed", "checkout.session.async_payment_succeeded" -> checkoutCompleted(c, object);
                case "account.updated" -> accountUpdated(c, object, created);
                default -> LOG.debug("Stripe event {} of type {} ignored", id, type);
            }
            return true;
        });
    }

    private void checkoutCompleted(java.sql.Connection c, Map<?, ?> session) throws java.sql.SQLException {
        if (!"paid".equals(session.get("payment_status"))) {
            return;
        }
        Object meta = session.get("metadata") instanceof Map<?, ?> m ? m.get("goldfinch_checkout") : null;
        if (meta == null) {
            LOG.warn("checkout.session.completed without goldfinch_checkout metadata: {}", session.get("id"));
            return;
        }
        UUID checkoutId;
        try {
            checkoutId = UUID.fromString(meta.toString());
        } catch (IllegalArgumentException e) {
            return;
        }
        record Row(long requester, long amountMinor, String currency) {
        }
        Row row = Db.one(c, rs -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3)),
                "SELECT requester_id, amount_minor, currency FROM checkout WHERE id = ? FOR UPDATE", checkoutId).orElse(null);
        if (row == null) {
            LOG.warn("checkout {} unknown", checkoutId);
            return;
        }
        // We credit the amount we asked for, and only when Stripe reports that amount in that currency as paid.
        Object total = session.get("amount_total");
        Object currency = session.get("currency");
        if ((total != null && !(total instanceof Number n && n.longValue() == row.amountMinor()))
                || (currency != null && !row.currency().equalsIgnoreCase(currency.toString()))) {
            LOG.error("checkout {}: Stripe reports {} {} paid, we asked for {} {}; not credited", checkoutId, total, currency,
                    row.amountMinor(), row.currency());
            return;
        }
        Db.update(c, "UPDATE checkout SET status = 'PAID', paid_at = COALESCE(paid_at, ?), stripe_session_id = COALESCE(stripe_session_id, ?) WHERE id = ?",
                Timestamp.from(clock.instant()), String.valueOf(session.get("id")), checkoutId);
        ledger.post(c, new Ledger.Transfer("stripe-checkout:" + checkoutId, Ledger.FUNDING, Ledger.requesterAvailable(row.requester()), row.amountMinor(),
                "FUNDING", null, null, "Stripe Checkout " + session.get("id")));
    }

    private void accountUpdated(java.sql.Connection c, Map<?, ?> account, long created) throws java.sql.SQLException {
        Db.update(c, "UPDATE payout_account SET payouts_enabled = ?, last_event_created = ? WHERE stripe_account_id = ? AND last_event_created <= ?",
                Boolean.TRUE.equals(account.get("payouts_enabled")), created, String.valueOf(account.get("id")), created);
    }
}
