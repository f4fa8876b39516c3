package io.goldfinch.review;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How much one requester may hurt one worker's record before a quality manager decides. */
class RejectionCapTest {

    @ParameterizedTest(name = "{0} rejected of {1} answers at a {2} cap: exceeded={3}")
    @CsvSource({
            "1, 1, 0.2, false",    // a newcomer's first rejection counts against at least 10 answers
            "2, 3, 0.2, false",
            "3, 3, 0.2, true",
            "20, 100, 0.2, false", // exactly the share is allowed
            "21, 100, 0.2, true",
            "1, 50, 0.0, true",    // a zero cap sends every rejection to review
            "50, 50, 1.0, false"})
    void rejectionsBeyondTheShareOfAtLeastTenAnswersWaitForReview(long rejected, long answers, double cap, boolean exceeded) {
        assertThat(RejectionCap.exceeded(rejected, answers, cap)).isEqualTo(exceeded);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> RejectionCap.exceeded(-1, 10, 0.2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RejectionCap.exceeded(1, 10, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
