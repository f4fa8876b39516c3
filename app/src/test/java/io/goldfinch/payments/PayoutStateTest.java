package io.goldfinch.payments;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static io.goldfinch.payments.PayoutState.FAILED;
import static io.goldfinch.payments.PayoutState.OFFLINE;
import static io.goldfinch.payments.PayoutState.PAID;
import static io.goldfinch.payments.PayoutState.PENDING;
import static io.goldfinch.payments.PayoutState.SUBMITTED;
import static io.goldfinch.payments.PayoutState.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/** The payout state machine: which moves are allowed, and that every finished state is final. */
class PayoutStateTest {

    @Test
    void aPayoutIsSubmittedBeforeItCanBePaid() {
        assertThat(PENDING.next()).containsExactlyInAnyOrder(SUBMITTED, FAILED);
        assertThat(PENDING.canMoveTo(PAID)).isFalse();
        assertThat(PENDING.canMoveTo(UNKNOWN)).isFalse();
    }

    @Test
    void aSubmittedPayoutEndsPaidFailedOrUnknownOrIsSubmittedAgain() {
        assertThat(SUBMITTED.next()).containsExactlyInAnyOrder(PAID, FAILED, UNKNOWN, SUBMITTED);
    }

    @Test
    void anUnknownPayoutIsResolvedByAskingOrRetryingWithTheSameKey() {
        assertThat(UNKNOWN.next()).containsExactlyInAnyOrder(SUBMITTED, PAID, FAILED);
        assertThat(UNKNOWN.canMoveTo(PENDING)).isFalse();
    }

    @Test
    void paidFailedAndOfflineAreFinal() {
        for (PayoutState done : EnumSet.of(PAID, FAILED, OFFLINE)) {
            assertThat(done.next()).as(done.name()).isEmpty();
            assertThat(done.open()).isFalse();
        }
        for (PayoutState open : EnumSet.of(PENDING, SUBMITTED, UNKNOWN)) {
            assertThat(open.open()).as(open.name()).isTrue();
        }
    }

    @Test
    void noStateLeadsIntoOfflineOrBackToPending() {
        for (PayoutState s : PayoutState.values()) {
            assertThat(s.canMoveTo(OFFLINE)).as(s.name()).isFalse();
            assertThat(s.canMoveTo(PENDING)).as(s.name()).isFalse();
        }
    }
}
