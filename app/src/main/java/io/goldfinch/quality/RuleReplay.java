package io.goldfinch.quality;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What-if replay of a quality rule on a job's past answers, in the order they came: which workers the rule would have
 * stopped, when, and which of their later answers would never have been bought. Plain Java: no framework, no SQL.
 *
 * <p>The rule, as the matching engine applies a job's minimum accuracy ({@code Eligibility}): after
 * {@code probationGolds} gold answers, a worker whose Bayesian gold accuracy ({@link WorkerAccuracy#estimate}) is below
 * {@code minAccuracy} takes no more tasks. Optionally a speed limit: once a worker has {@code speedWindow} answers, a
 * median time per task over his last {@code speedWindow} answers below {@code minMedianSeconds} stops him too. A
 * stopped worker's answer that triggered the rule still counts; every later one is removed.
 */
public final class RuleReplay {

    /** {@code minAccuracy} 0 and {@code minMedianSeconds} 0 switch the parts of the rule off. */
    public record Rule(double minAccuracy, int probationGolds, double minMedianSeconds, int speedWindow) {
        public Rule {
            if (!(minAccuracy >= 0 && minAccuracy < 1) || probationGolds < 1 || probationGolds > 1000 || !(minMedianSeconds >= 0)
                    || minMedianSeconds > 3600 || speedWindow < 1 || speedWindow > 1000) {
                throw new IllegalArgumentException("minAccuracy in [0, 1), probationGolds 1-1000, minMedianSeconds 0-3600, speedWindow 1-1000");
            }
        }
    }

    /** One answer, in the order answers were submitted. */
    public record Answer(long worker, boolean gold, boolean correct, double seconds, long costMinor) {
    }

    /** A worker the rule stops: after which of the job's answers (0-based index), why, and his record then. */
    public record Stop(long worker, int afterAnswer, String reason, int goldAnswered, int goldCorrect, double goldAccuracy,
                       double medianSeconds, int answersRemoved) {
    }

    /** {@code kept[i]} says whether answer i would still have been bought. */
    public record Outcome(boolean[] kept, List<Stop> stops, int removed, int removedGold, long costSavedMinor) {
    }

    private RuleReplay() {
    }

    public static Outcome replay(List<Answer> answers, Rule rule) {
        final class State {
            int golds;
            int correct;
            final Deque<Double> recent = new ArrayDeque<>();
            int stoppedAfter = -1;
            String reason;
            double accuracyThen;
            double medianThen;
            int removed;
        }
        Map<Long, State> states = new HashMap<>();
        boolean[] kept = new boolean[answers.size()];
        int removed = 0;
        int removedGold = 0;
        long saved = 0;
        List<Long> stopOrder = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            State s = states.computeIfAbsent(a.worker(), w -> new State());
            if (s.stoppedAfter >= 0) {
                removed++;
                removedGold += a.gold() ? 1 : 0;
                saved += a.costMinor();
                s.removed++;
                continue;
            }
            kept[i] = true;
            if (a.gold()) {
                s.golds++;
                s.correct += a.correct() ? 1 : 0;
            }
            s.recent.addLast(a.seconds());
            if (s.recent.size() > rule.speedWindow()) {
                s.recent.removeFirst();
            }
            double accuracy = WorkerAccuracy.estimate(s.correct, s.golds);
            double median = s.recent.size() < rule.speedWindow() ? Double.NaN : median(s.recent);
            if (rule.minAccuracy() > 0 && s.golds >= rule.probationGolds() && accuracy < rule.minAccuracy()) {
                s.reason = "accuracy";
            } else if (rule.minMedianSeconds() > 0 && !Double.isNaN(median) && median < rule.minMedianSeconds()) {
                s.reason = "speed";
            }
            if (s.reason != null) {
                s.stoppedAfter = i;
                s.accuracyThen = accuracy;
                s.medianThen = Double.isNaN(median) ? median(s.recent) : median;
                stopOrder.add(a.worker());
            }
        }
        List<Stop> stops = new ArrayList<>(stopOrder.size());
        for (long w : stopOrder) {
            State s = states.get(w);
            stops.add(new Stop(w, s.stoppedAfter, s.reason, s.golds, s.correct, s.accuracyThen, s.medianThen, s.removed));
        }
        return new Outcome(kept, List.copyOf(stops), removed, removedGold, saved);
    }

    private static double median(Deque<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
