package io.goldfinch.ledger;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostProjectionTest {

    @Test
    void openItemsAreExpectedToEndWhereTheClosedOnesDidOnceEnoughHaveClosed() {
        assertThat(CostProjection.expectedAnswersPerItem(19, 19 * 3, 3, 7)).as("too few closed to say").isEqualTo(7.0);
        assertThat(CostProjection.expectedAnswersPerItem(40, 140, 3, 7)).isEqualTo(3.5);
        assertThat(CostProjection.expectedAnswersPerItem(40, 40, 3, 7)).as("never below the minimum").isEqualTo(3.0);
        assertThat(CostProjection.expectedAnswersPerItem(40, 400, 3, 7)).as("never above the maximum").isEqualTo(7.0);
    }

    @Test
    void eachOpenItemBuysAtLeastOneMoreAnswerAndNeverPassesTheMaximum() {
        // 10 items with none: 3.5 each; 4 with 3: 1 each (they are still open, so at least one more); 2 at the maximum: none
        assertThat(CostProjection.remainingNormalTasks(Map.of(0, 10L, 3, 4L, 7, 2L), 3.5, 7)).isEqualTo(35 + 4);
        // 5 with 6 answers of at most 7: one each, even where the expected end is higher
        assertThat(CostProjection.remainingNormalTasks(Map.of(6, 5L), 9.0, 7)).isEqualTo(5);
        assertThat(CostProjection.remainingNormalTasks(Map.of(), 3.0, 7)).isZero();
    }

    @Test
    void theProjectionIsWhatWasPaidPlusTheWorkStillToPayGoldsIncluded() {
        // 50 paid; 2 in flight and 18 expected normal tasks, plus 2 golds at 10% (ceil(18 x 0.1 / 0.9)) at 11 each
        assertThat(CostProjection.projectedMinor(50, 2, 18, 0.1, 100, 11)).isEqualTo(50 + (2 + 18 + 2) * 11);
        assertThat(CostProjection.projectedMinor(50, 2, 18, 0.1, 1, 11)).as("within the gold budget left").isEqualTo(50 + (2 + 18 + 1) * 11);
        assertThat(CostProjection.projectedMinor(50, 0, 0, 0.0, 0, 11)).isEqualTo(50);
        assertThatThrownBy(() -> CostProjection.projectedMinor(-1, 0, 0, 0, 0, 11)).isInstanceOf(IllegalArgumentException.class);
    }
}
