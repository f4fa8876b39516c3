package io.goldfinch.ledger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fair-pay arithmetic: the effective hourly rate at the median pace and the top-up to a job's floor. */
class FairPayTest {

    @Test
    void theEffectiveHourlyRateIsTheRewardAtTheMedianPaceRoundedDown() {
        assertThat(FairPay.effectiveHourlyMinor(10, 30.0)).isEqualTo(1_200);
        assertThat(FairPay.effectiveHourlyMinor(7, 3_601.0)).isEqualTo(6);
        assertThat(FairPay.effectiveHourlyMinor(10, null)).as("nothing timed yet").isNull();
        assertThat(FairPay.effectiveHourlyMinor(10, 0.0)).isNull();
    }

    @Test
    void aTaskBelowTheFloorIsToppedUpToItRoundedUpAndNeverDown() {
        assertThat(FairPay.topUpMinor(10, 30.0, 3_600L)).isEqualTo(20);   // owed 30 at 1 per second
        assertThat(FairPay.topUpMinor(10, 31.5, 3_600L)).isEqualTo(22);   // owed 31.5, rounded up to 32
        assertThat(FairPay.topUpMinor(50, 30.0, 3_600L)).as("already above").isZero();
        assertThat(FairPay.topUpMinor(10, 30.0, null)).as("no floor").isZero();
        assertThat(FairPay.topUpMinor(10, null, 3_600L)).as("no pace yet").isZero();
    }
}
