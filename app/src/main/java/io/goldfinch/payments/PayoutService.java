package io.goldfinch.payments;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.ledger.Ledger;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Worker payouts. The ledger moves the money out of the worker's balance in the same transaction that creates the
 * payout row with its idempotency key, before Stripe is called; every call to Stripe reuses that key; a payout whose
 * outcome is unknown is resolved by asking Stripe (transfers by transfer_group) before anything is retried; a payout
 * Stripe refused is reversed in the ledger. Without Stripe keys the payout is recorded as OFFLINE (to be paid by hand).
 */
@Singleton
public class PayoutService {

    private static final Logger LOG = LoggerFactory.getLogger(PayoutService.class);
    static final int MAX_ATTEMPTS = 8;
    /** How long after its last attempt a payout that used up its attempts is settled by asking Stripe. */
    static final Duration SETTLE = Duration.ofMinutes(10);

    @Serdeable
    public record Payout(UUID id, long amountMinor, String currency, String channel, String status, String stripeTransferId,
                         int attempts, String lastError, Instant createdAt) {
    }

    private record Row(UUID id, long workerId, long amountMinor, String currency, String status, String key, String destination,
                       int attempts, Instant updatedAt) {
    }

    private final Db db;
    private final Ledger ledger;
    private final Optional<StripeGateway> stripe;
    private final CrashPoints crash;
    private final Clock clock;
    private final long minimumMinor;
    private final String currency;

    public PayoutService(Db db, Ledger ledger, Optional<StripeGateway> stripe, CrashPoints crash, Clock clock,
                         @Value("${goldfinch.payout-minimum-minor:500}") long minimumMinor,
                         @Value("${goldfinch.currency:USD}") String currency) {
        this.db = db;
        this.ledger = ledger;
        this.stripe = stripe;
        this.crash = crash;
        this.clock = clock;
        this.minimumMinor = minimumMinor;
        this.currency = currency.toLowerCase(java.util.Locale.ROOT);
    }

    public boolean stripeEnabled() {
        return stripe.isPresent();
    }

    /** A worker asks to be paid (all of the balance, or the given amount); at least the configured minimum. */
    public Payout request(long workerId, Long amountMinor) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        db.tx(c -> {
            long balance = ledger.balance(c, Ledger.workerBalance(workerId));
            long amount = amountMinor == null ? balance : amountMinor;
            if (amount < minimumMinor) {
                throw ApiException.invalid("amountMinor", "payouts start at " + minimumMinor + " minor units; the balance is " + balance);
            }
            if (amount > balance) {
                throw ApiException.conflict("insufficient-funds", "the balance is " + balance + " minor units");
            }
            String channel;
            String destination = null;
            if (stripe.isPresent()) {
                destination = Db.one(c, rs -> rs.getString(1),
                                "SELECT stripe_account_id FROM payout_account WHERE worker_id = ? AND payouts_enabled", workerId)
                        .orElseThrow(() -> ApiException.conflict("payout-account-not-ready", "connect a payout account and finish onboarding first"));
                channel = "STRIPE";
            } else {
                channel = "OFFLINE";
            }
            Db.update(c, "INSERT INTO payout (id, worker_id, amount_minor, currency, channel, status, idempotency_key, destination, created_at, updated_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, workerId, amount, currency, channel,
                    channel.equals("OFFLINE") ? "OFFLINE" : "PENDING", "payout-" + id, destination, Timestamp.from(now), Timestamp.from(now));
            ledger.post(c, new Ledger.Transfer("payout:" + id, Ledger.workerBalance(workerId), Ledger.PAYOUTS, amount, "PAYOUT", null, null,
                    channel.equals("OFFLINE") ? "offline payout (to be paid manually)" : "Stripe payout " + id));
            return null;
        });
        crash.reach(CrashPoints.AFTER_PENDING);
        if (stripe.isPresent()) {
            process(id);
        }
        return find(workerId, id);
    }

    /**
     * Drives one payout one step towards PAID or FAILED. Safe to call again at any time (the key is the same). At most
     * {@link #MAX_ATTEMPTS} calls ever create a transfer; after that the payout is only asked about (see
     * {@link #settleGivenUp}).
     */
    public void process(UUID id) {
        StripeGateway gateway = stripe.orElseThrow();
        record Step(Row row, boolean mayCreate) {
        }
        Step step = db.tx(c -> {
            Row r = lock(c, id);
            if (r == null || !PayoutState.valueOf(r.status()).open()) {
                return null;
            }
            if (r.attempts() >= MAX_ATTEMPTS) {
                return new Step(r, false);
            }
            move(c, r, PayoutState.SUBMITTED, null, null);
            Db.update(c, "UPDATE payout SET attempts = attempts + 1 WHERE id = ?", id);
            return new Step(r, true);
        });
        if (step == null) {
            return;
        }
        if (!step.mayCreate()) {
            settleGivenUp(gateway, step.row());
            return;
        }
        Row row = step.row();
        crash.reach(CrashPoints.AFTER_SUBMITTED);
        String group = "payout-" + id;
        try {
            // Ask first: if an earlier attempt reached Stripe, its transfer exists and is the answer.
            Optional<String> existing = row.attempts() > 0 ? gateway.findTransfer(group) : Optional.empty();
            String transfer = existing.isPresent() ? existing.get()
                    : gateway.transfer(row.amountMinor(), row.currency(), row.destination(), group, row.key());
            crash.reach(CrashPoints.AFTER_STRIPE_CALL);
            db.tx(c -> {
                Row r = lock(c, id);
                if (r != null && PayoutState.valueOf(r.status()).canMoveTo(PayoutState.PAID)) {
                    move(c, r, PayoutState.PAID, transfer, null);
                }
                return null;
            });
        } catch (StripeGateway.GatewayException e) {
            db.tx(c -> {
                Row r = lock(c, id);
                if (r == null || !PayoutState.valueOf(r.status()).open()) {
                    return null;
                }
                if (e.definite()) {
                    fail(c, r, e.getMessage(), "Stripe refused the payout: back to the balance");
                } else {
                    move(c, r, PayoutState.UNKNOWN, null, e.getMessage()
                            + (r.attempts() >= MAX_ATTEMPTS ? " (last attempt; Stripe will be asked once it has settled)" : ""));
                }
                return null;
            });
        }
    }

    /**
     * A payout whose attempts are used up is never sent again; the reconciler only asks Stripe about it, once its last
     * attempt is {@link #SETTLE} old (no request of ours can still be in flight). Stripe has the transfer: PAID. Stripe
     * has none for its transfer group: FAILED, and the amount goes back to the worker's balance (a new request gets a
     * new key). Stripe does not answer: it stays UNKNOWN and is asked again on a later run.
     */
    private void settleGivenUp(StripeGateway gateway, Row row) {
        if (row.updatedAt().isAfter(clock.instant().minus(SETTLE))) {
            return;
        }
        Optional<String> existing;
        try {
            existing = gateway.findTransfer("payout-" + row.id());
        } catch (StripeGateway.GatewayException e) {
            LOG.info("payout {}: Stripe did not answer the reconciler: {}", row.id(), e.getMessage());
            return;
        }
        db.tx(c -> {
            Row r = lock(c, row.id());
            if (r == null || !PayoutState.valueOf(r.status()).open() || r.attempts() < MAX_ATTEMPTS) {
                return null;
            }
            if (existing.isPresent()) {
                move(c, r, PayoutState.PAID, existing.get(), null);
            } else {
                fail(c, r, "Stripe has no transfer for this payout after " + r.attempts() + " attempts",
                        "payout never reached Stripe: back to the balance");
            }
            return null;
        });
    }

    private void fail(Connection c, Row r, String error, String memo) throws SQLException {
        move(c, r, PayoutState.FAILED, null, error);
        ledger.post(c, new Ledger.Transfer("payout-reversal:" + r.id(), Ledger.PAYOUTS, Ledger.workerBalance(r.workerId()),
                r.amountMinor(), "PAYOUT_REVERSAL", null, null, memo));
    }

    /**
     * Resolves open payouts: UNKNOWN ones with attempts left, PENDING/SUBMITTED ones not touched for a while (their
     * process died), and ones whose attempts are used up once they have settled. Least recently touched first, bounded
     * per run; a payout Stripe keeps failing cannot hold the others back for more than {@link #MAX_ATTEMPTS} runs.
     */
    public int reconcile(Duration staleAfter) {
        if (stripe.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        List<UUID> open = db.tx(c -> Db.list(c, rs -> rs.getObject(1, UUID.class),
                "SELECT id FROM payout WHERE status IN ('PENDING', 'SUBMITTED', 'UNKNOWN') AND ("
                        + "  (attempts >= ? AND updated_at <= ?)"
                        + "  OR (attempts < ? AND (status = 'UNKNOWN' OR updated_at <= ?))) "
                        + "ORDER BY updated_at LIMIT 200",
                MAX_ATTEMPTS, Timestamp.from(now.minus(SETTLE)), MAX_ATTEMPTS, Timestamp.from(now.minus(staleAfter))));
        for (UUID id : open) {
            process(id);
        }
        return open.size();
    }

    /**
     * Pays out every worker whose balance has reached the minimum and whose payout account is ready, unless a payout of
     * theirs is still open. Returns how many payouts were started.
     */
    public int payDueBalances() {
        if (stripe.isEmpty()) {
            return 0;
        }
        List<Long> due = db.tx(c -> Db.list(c, rs -> rs.getLong(1),
                "SELECT pa.worker_id FROM payout_account pa JOIN ledger_account la ON la.code = 'worker:' || pa.worker_id || ':balance' "
                        + "WHERE pa.payouts_enabled AND la.credits_minor - la.debits_minor >= ? "
                        + "AND NOT EXISTS (SELECT 1 FROM payout p WHERE p.worker_id = pa.worker_id AND p.status IN ('PENDING', 'SUBMITTED', 'UNKNOWN')) "
                        + "ORDER BY pa.worker_id LIMIT 500", minimumMinor));
        int started = 0;
        for (long worker : due) {
            try {
                request(worker, null);
                started++;
            } catch (ApiException e) {
                LOG.info("automatic payout for worker {} skipped: {}", worker, e.getMessage());
            }
        }
        return started;
    }

    @Scheduled(fixedDelay = "${goldfinch.payout-reconcile-interval:60s}", initialDelay = "30s")
    void reconcileScheduled() {
        try {
            reconcile(Duration.ofMinutes(2));
            payDueBalances();
        } catch (RuntimeException e) {
            LOG.warn("payout run failed: {}", e.toString());
        }
    }

    public List<Payout> list(long workerId) {
        return db.tx(c -> Db.list(c, PayoutService::map, "SELECT * FROM payout WHERE worker_id = ? ORDER BY created_at DESC", workerId));
    }

    Payout find(long workerId, UUID id) {
        return db.tx(c -> Db.one(c, PayoutService::map, "SELECT * FROM payout WHERE id = ? AND worker_id = ?", id, workerId))
                .orElseThrow(() -> ApiException.notFound("payout"));
    }

    private static Payout map(java.sql.ResultSet rs) throws SQLException {
        return new Payout(rs.getObject("id", UUID.class), rs.getLong("amount_minor"), rs.getString("currency"), rs.getString("channel"),
                rs.getString("status"), rs.getString("stripe_transfer_id"), rs.getInt("attempts"), rs.getString("last_error"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static Row lock(Connection c, UUID id) throws SQLException {
        return Db.one(c, rs -> new Row(id, rs.getLong("worker_id"), rs.getLong("amount_minor"), rs.getString("currency"),
                rs.getString("status"), rs.getString("idempotency_key"), rs.getString("destination"), rs.getInt("attempts"),
                rs.getTimestamp("updated_at").toInstant()), "SELECT * FROM payout WHERE id = ? FOR UPDATE", id).orElse(null);
    }

    private void move(Connection c, Row r, PayoutState target, String transferId, String error) throws SQLException {
        PayoutState from = PayoutState.valueOf(r.status());
        if (!from.canMoveTo(target)) {
            throw new IllegalStateException("payout " + r.id() + " cannot go from " + from + " to " + target);
        }
        Db.update(c, "UPDATE payout SET status = ?, stripe_transfer_id = COALESCE(?, stripe_transfer_id), last_error = ?, updated_at = ? WHERE id = ?",
                target.name(), transferId, error, Timestamp.from(clock.instant()), r.id());
    }
}
