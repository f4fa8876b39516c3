package io.goldfinch.quality;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerRiskTest {

    private static final int ITEMS = 100;
    private static final int GOLDS = 20;

    /**
     * A seeded crowd on a balanced binary job: six honest workers (90% right, about 10 s a task) answer everything; a fast
     * one (1 s), a straight-liner (always label 0), a random clicker, and two workers who copy each other's random labels.
     */
    private static List<WorkerRisk.Answer> crowd() {
        SplittableRandom r = new SplittableRandom(42);
        List<WorkerRisk.Answer> out = new ArrayList<>();
        int[] truth = new int[ITEMS + GOLDS];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = i % 2;
        }
        for (long w = 1; w <= 6; w++) {
            for (int i = 0; i < ITEMS + GOLDS; i++) {
                int label = r.nextDouble() < 0.9 ? truth[i] : 1 - truth[i];
                out.add(answer(i, w, label, truth, 8 + 4 * r.nextDouble()));
            }
        }
        for (int i = 0; i < ITEMS + GOLDS; i++) {
            out.add(answer(i, 7, r.nextDouble() < 0.9 ? truth[i] : 1 - truth[i], truth, 1.0));
            out.add(answer(i, 8, 0, truth, 9));
            out.add(answer(i, 9, r.nextInt(2), truth, 10));
        }
        for (int i = 0; i < 40; i++) {
            int copied = r.nextInt(2);
            out.add(answer(i, 10, copied, truth, 10));
            out.add(answer(i, 11, copied, truth, 10));
        }
        return out;
    }

    private static WorkerRisk.Answer answer(int item, long worker, int label, int[] truth, double seconds) {
        boolean gold = item >= ITEMS;
        return new WorkerRisk.Answer(item, worker, label, gold, gold && label == truth[item], seconds, gold ? -1 : truth[item]);
    }

    @Test
    void eachKindOfRiskIsFlaggedOnItsWorkerAndHonestWorkersAreLeftAlone() {
        WorkerRisk.Report report = WorkerRisk.analyse(crowd(), 2, 0, WorkerRisk.Settings.defaults());
        Map<Long, WorkerRisk.WorkerStats> by = report.workers().stream().collect(Collectors.toMap(WorkerRisk.WorkerStats::worker, Function.identity()));
        for (long w = 1; w <= 6; w++) {
            assertThat(by.get(w).flags()).as("honest worker %d", w).isEmpty();
            assertThat(by.get(w).crowdAgreement()).isBetween(0.8, 1.0);
        }
        assertThat(by.get(7L).flags()).containsExactly(WorkerRisk.Flag.TOO_FAST);
        assertThat(by.get(7L).medianSeconds()).isEqualTo(1.0);
        assertThat(by.get(8L).flags()).contains(WorkerRisk.Flag.STRAIGHT_LINING);
        assertThat(by.get(8L).topLabelShare()).isEqualTo(1.0);
        assertThat(by.get(9L).flags()).contains(WorkerRisk.Flag.LOW_GOLD_ACCURACY);
        assertThat(by.get(10L).flags()).containsExactly(WorkerRisk.Flag.COLLUSION);
        assertThat(by.get(11L).flags()).containsExactly(WorkerRisk.Flag.COLLUSION);
        assertThat(report.pairs()).singleElement().satisfies(p -> {
            assertThat(List.of(p.workerA(), p.workerB())).containsExactly(10L, 11L);
            assertThat(p.shared()).isEqualTo(40);
            assertThat(p.agreement()).isEqualTo(1.0);
            assertThat(p.expected()).isLessThan(0.7);
        });
        // Flagged workers come first; the gold interval brackets the estimate.
        assertThat(report.workers().get(0).flags()).isNotEmpty();
        WorkerRisk.WorkerStats honest = by.get(1L);
        assertThat(honest.goldAnswered()).isEqualTo(GOLDS);
        assertThat(honest.goldAccuracyLow()).isLessThan(honest.goldAccuracy());
        assertThat(honest.goldAccuracyHigh()).isGreaterThan(honest.goldAccuracy());
        assertThat(report.jobTopLabelShare()).isLessThan(0.7);
    }

    @Test
    void aJobsMinimumAccuracyRaisesTheBarAndSmallRecordsAreNotJudged() {
        // 90%-right workers are not flagged at the default bar (0.75) but are under a 0.97 minimum.
        WorkerRisk.Report strict = WorkerRisk.analyse(crowd(), 2, 0.97, WorkerRisk.Settings.defaults());
        assertThat(strict.workers().stream().filter(w -> w.worker() == 1).findFirst().orElseThrow().flags()).contains(WorkerRisk.Flag.LOW_GOLD_ACCURACY);
        // Two answers, both fast and both one label: too few to judge.
        List<WorkerRisk.Answer> few = new ArrayList<>(crowd());
        few.add(new WorkerRisk.Answer(0, 99, 0, false, false, 0.1, 0));
        few.add(new WorkerRisk.Answer(1, 99, 0, false, false, 0.1, 1));
        assertThat(WorkerRisk.analyse(few, 2, 0, WorkerRisk.Settings.defaults()).workers().stream().filter(w -> w.worker() == 99)
                .findFirst().orElseThrow().flags()).isEmpty();
    }

    @Test
    void degenerateAndInvalidInput() {
        WorkerRisk.Report empty = WorkerRisk.analyse(List.of(), 3, 0, WorkerRisk.Settings.defaults());
        assertThat(empty.workers()).isEmpty();
        assertThat(empty.pairs()).isEmpty();
        assertThatThrownBy(() -> WorkerRisk.analyse(List.of(new WorkerRisk.Answer(0, 1, 2, false, false, 1, -1)), 2, 0, WorkerRisk.Settings.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkerRisk.analyse(List.of(), 1, 0, WorkerRisk.Settings.defaults())).isInstanceOf(IllegalArgumentException.class);
    }
}
