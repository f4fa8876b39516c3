package io.goldfinch.payments;

import java.util.EnumSet;
import java.util.Set;

/**
 * A payout's life: PENDING (row, idempotency key and ledger debit committed) → SUBMITTED (written before each call to
 * Stripe) → PAID | FAILED | UNKNOWN; UNKNOWN (timeout, 5xx, 409) goes back to SUBMITTED when the reconciler retries with
 * the same key, or to PAID when Stripe already has the transfer. OFFLINE is the terminal state without Stripe keys:
 * recorded for a manual payment, never presented as a Stripe payout.
 */
public enum PayoutState {
    PENDING, SUBMITTED, PAID, FAILED, UNKNOWN, OFFLINE;

    public Set<PayoutState> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(SUBMITTED, FAILED);
            case SUBMITTED -> EnumSet.of(PAID, FAILED, UNKNOWN, SUBMITTED);
            case UNKNOWN -> EnumSet.of(SUBMITTED, PAID, FAILED);
            case PAID, FAILED, OFFLINE -> EnumSet.noneOf(PayoutState.class);
        };
    }

    public boolean canMoveTo(PayoutState target) {
        return next().contains(target);
    }

    public boolean open() {
        return this == PENDING || this == SUBMITTED || this == UNKNOWN;
    }
}
