package io.goldfinch.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerRulesTest {

    @ParameterizedTest(name = "fee on {0} at {1} bps is {2}")
    @CsvSource({"10,1000,1", "5,1000,1", "4,1000,0", "100,250,3", "1,10000,1", "12345,0,0", "1000000,1500,150000"})
    void feesRoundHalfUpInMinorUnits(long reward, int bps, long fee) {
        assertThat(LedgerRules.feeMinor(reward, bps)).isEqualTo(fee);
    }

    @Test
    void goldTasksMakeUpTheGoldRateOfAllTasksRoundedUp() {
        assertThat(LedgerRules.goldTasks(150, 0.1, 5)).isEqualTo(17);   // 17 / 167 >= 10%
        assertThat(LedgerRules.goldTasks(90, 0.1, 5)).isEqualTo(10);    // exactly 10 / 100
        assertThat(LedgerRules.goldTasks(100, 0.0, 5)).isZero();
        assertThat(LedgerRules.goldTasks(100, 0.2, 0)).isZero();
        assertThat(LedgerRules.goldTasks(2, 0.5, 1)).isEqualTo(2);
    }

    @Test
    void aNewGoldRateBudgetsWhatAQuoteWouldButNeverBelowTheGoldTasksUsed() {
        assertThat(LedgerRules.goldBudget(50, 3, 0.1, 5, 0, 0)).isEqualTo(LedgerRules.quote(50, 3, 0.1, 5, 10, 1000).goldTasks());
        assertThat(LedgerRules.goldBudget(50, 3, 0.2, 5, 0, 3)).isEqualTo(38);   // 38 / 188 >= 20%
        assertThat(LedgerRules.goldBudget(50, 3, 0.2, 5, 12, 3)).isEqualTo(50);  // plus the exam's
        assertThat(LedgerRules.goldBudget(50, 3, 0.0, 5, 0, 9)).isEqualTo(9);    // golds already served stay paid for
        assertThatThrownBy(() -> LedgerRules.goldBudget(50, 3, 0.1, 5, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aQuoteIsRewardsPlusFeesForEveryTaskIncludingGolds() {
        LedgerRules.Quote q = LedgerRules.quote(50, 3, 0.1, 5, 10, 1000);
        assertThat(q.normalTasks()).isEqualTo(150);
        assertThat(q.goldTasks()).isEqualTo(17);
        assertThat(q.rewardsMinor()).isEqualTo(167 * 10);
        assertThat(q.feesMinor()).isEqualTo(167);
        assertThat(q.totalMinor()).isEqualTo(q.rewardsMinor() + q.feesMinor());
    }

    @Test
    void nonsenseAndOverflowAreRefused() {
        assertThatThrownBy(() -> LedgerRules.feeMinor(0, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LedgerRules.feeMinor(10, 10_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LedgerRules.quote(Long.MAX_VALUE / 2, 100, 0, 0, 10, 0)).isInstanceOf(ArithmeticException.class);
    }
}
