package io.goldfinch.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-worker quality of one job and the risk flags a quality manager looks at first. Plain Java: no framework, no SQL.
 *
 * <ul>
 *   <li>{@link Flag#LOW_GOLD_ACCURACY}: at least {@code minGolds} gold answers and the upper end of the 90% credible
 *   interval of the gold accuracy ({@link WorkerAccuracy}) below the bar: the job's minimum accuracy, or, when it sets
 *   none, halfway between chance (1/K) and perfect.
 *   <li>{@link Flag#TOO_FAST}: at least {@code minAnswers} answers and a median time per task below
 *   {@code tooFastShare} of the job's median.
 *   <li>{@link Flag#STRAIGHT_LINING}: at least {@code minAnswers} answers, of which at least {@code straightShare} carry one
 *   label, where the job's answers as a whole give no label more than {@code jobTopShareMax}.
 *   <li>{@link Flag#COLLUSION}: the worker is in a suspicious pair: two workers who answered at least
 *   {@code pairMinShared} of the same items and agree on them far more than two independent workers of their
 *   accuracy would (expected agreement {@code pq + (1-p)(1-q)/(K-1)}, one-sided binomial z of at least {@code pairZ})
 *   and on at least {@code pairMinAgreement} of them.
 * </ul>
 * A worker's accuracy for the pair test is the gold estimate when he has {@code minGolds} golds, else his agreement with
 * the crowd's label on items answered by others too.
 */
public final class WorkerRisk {

    public enum Flag { LOW_GOLD_ACCURACY, TOO_FAST, STRAIGHT_LINING, COLLUSION }

    /**
     * One answer: item, worker, label index, whether the item is a gold and the answer right, seconds from lease to
     * answer, and the crowd's label of the item (-1 if none).
     */
    public record Answer(long item, long worker, int label, boolean gold, boolean correct, double seconds, int crowdLabel) {
    }

    public record Settings(int minAnswers, int minGolds, double tooFastShare, double straightShare, double jobTopShareMax,
                           int pairMinShared, double pairMinAgreement, double pairZ) {
        public static Settings defaults() {
            return new Settings(20, 5, 0.25, 0.9, 0.7, 20, 0.9, 4.0);
        }
    }

    /** A worker's figures; nullable ones are null when there is nothing to compute them from. */
    public record WorkerStats(long worker, int answers, int goldAnswered, int goldCorrect, Double goldAccuracy, Double goldAccuracyLow,
                              Double goldAccuracyHigh, Double medianSeconds, Double crowdAgreement, double topLabelShare, List<Flag> flags) {
    }

    /** Two workers who agree suspiciously often: shared items, observed and expected agreement. */
    public record Pair(long workerA, long workerB, int shared, double agreement, double expected) {
    }

    public record Report(double jobMedianSeconds, double jobTopLabelShare, List<WorkerStats> workers, List<Pair> pairs) {
    }

    private WorkerRisk() {
    }

    public static Report analyse(List<Answer> answers, int k, double minAccuracy, Settings s) {
        if (k < 2) {
            throw new IllegalArgumentException("need at least two labels");
        }
        Map<Long, List<Answer>> byWorker = new HashMap<>();
        Map<Long, List<Answer>> byItem = new HashMap<>();
        int[] labelCounts = new int[k];
        double[] allSeconds = new double[answers.size()];
        int n = 0;
        for (Answer a : answers) {
            if (a.label() < 0 || a.label() >= k) {
                throw new IllegalArgumentException("label " + a.label() + " outside 0.." + (k - 1));
            }
            byWorker.computeIfAbsent(a.worker(), w -> new ArrayList<>()).add(a);
            byItem.computeIfAbsent(a.item(), i -> new ArrayList<>()).add(a);
            labelCounts[a.label()]++;
            allSeconds[n++] = a.seconds();
        }
        double jobMedian = median(allSeconds, n);
        double jobTop = answers.isEmpty() ? 0 : (double) Arrays.stream(labelCounts).max().orElse(0) / answers.size();
        double chance = 1.0 / k;
        double bar = minAccuracy > 0 ? minAccuracy : chance + (1 - chance) / 2;

        Map<Long, WorkerStats> stats = new HashMap<>();
        Map<Long, Double> accuracy = new HashMap<>();
        for (Map.Entry<Long, List<Answer>> e : byWorker.entrySet()) {
            List<Answer> mine = e.getValue();
            int golds = 0;
            int right = 0;
            int agreeable = 0;
            int agreed = 0;
            int[] counts = new int[k];
            double[] seconds = new double[mine.size()];
            for (int i = 0; i < mine.size(); i++) {
                Answer a = mine.get(i);
                seconds[i] = a.seconds();
                counts[a.label()]++;
                if (a.gold()) {
                    golds++;
                    right += a.correct() ? 1 : 0;
                } else if (a.crowdLabel() >= 0 && byItem.get(a.item()).size() >= 2) {
                    agreeable++;
                    agreed += a.label() == a.crowdLabel() ? 1 : 0;
                }
            }
            Double goldAccuracy = golds == 0 ? null : WorkerAccuracy.estimate(right, golds);
            Double low = golds == 0 ? null : WorkerAccuracy.lowerBound(right, golds);
            Double high = golds == 0 ? null : WorkerAccuracy.upperBound(right, golds);
            Double med = mine.isEmpty() ? null : median(seconds, seconds.length);
            Double crowd = agreeable == 0 ? null : (double) agreed / agreeable;
            double top = (double) Arrays.stream(counts).max().orElse(0) / mine.size();
            List<Flag> flags = new ArrayList<>();
            if (golds >= s.minGolds() && high < bar) {
                flags.add(Flag.LOW_GOLD_ACCURACY);
            }
            if (mine.size() >= s.minAnswers() && jobMedian > 0 && med < s.tooFastShare() * jobMedian) {
                flags.add(Flag.TOO_FAST);
            }
            if (mine.size() >= s.minAnswers() && top >= s.straightShare() && jobTop <= s.jobTopShareMax()) {
                flags.add(Flag.STRAIGHT_LINING);
            }
            stats.put(e.getKey(), new WorkerStats(e.getKey(), mine.size(), golds, right, goldAccuracy, low, high, med, crowd, top, flags));
            accuracy.put(e.getKey(), golds >= s.minGolds() ? goldAccuracy : crowd != null ? crowd : chance);
        }

        // Pairs over the non-gold items they share: O(sum over items of answers^2).
        Map<Long, int[]> together = new HashMap<>();
        for (List<Answer> on : byItem.values()) {
            if (on.get(0).gold()) {
                continue;
            }
            for (int i = 0; i < on.size(); i++) {
                for (int j = i + 1; j < on.size(); j++) {
                    Answer a = on.get(i);
                    Answer b = on.get(j);
                    if (a.worker() != b.worker()) {
                        int[] c = together.computeIfAbsent(pairKey(a.worker(), b.worker()), x -> new int[2]);
                        c[0]++;
                        c[1] += a.label() == b.label() ? 1 : 0;
                    }
                }
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<Long, int[]> e : together.entrySet()) {
            int shared = e.getValue()[0];
            if (shared < s.pairMinShared()) {
                continue;
            }
            long lo = e.getKey() >>> 31;
            long hi = e.getKey() & ID_MASK;
            double p = accuracy.get(lo);
            double q = accuracy.get(hi);
            double expected = p * q + (1 - p) * (1 - q) / (k - 1);
            double observed = (double) e.getValue()[1] / shared;
            double z = (observed - expected) / Math.sqrt(Math.max(expected * (1 - expected), 1e-9) / shared);
            if (observed >= s.pairMinAgreement() && z >= s.pairZ()) {
                pairs.add(new Pair(lo, hi, shared, observed, expected));
            }
        }
        pairs.sort(Comparator.comparingDouble((Pair x) -> x.expected() - x.agreement()).thenComparingLong(Pair::workerA).thenComparingLong(Pair::workerB));
        for (Pair pair : pairs) {
            for (long w : new long[]{pair.workerA(), pair.workerB()}) {
                WorkerStats ws = stats.get(w);
                if (!ws.flags().contains(Flag.COLLUSION)) {
                    ws.flags().add(Flag.COLLUSION);
                }
            }
        }
        List<WorkerStats> out = new ArrayList<>(stats.values());
        out.replaceAll(ws -> new WorkerStats(ws.worker(), ws.answers(), ws.goldAnswered(), ws.goldCorrect(), ws.goldAccuracy(), ws.goldAccuracyLow(),
                ws.goldAccuracyHigh(), ws.medianSeconds(), ws.crowdAgreement(), ws.topLabelShare(), Collections.unmodifiableList(ws.flags())));
        // Flagged first (most flags first), then by worker id.
        out.sort(Comparator.comparingInt((WorkerStats ws) -> -ws.flags().size()).thenComparingLong(WorkerStats::worker));
        return new Report(jobMedian, jobTop, List.copyOf(out), List.copyOf(pairs));
    }

    private static final long ID_MASK = (1L << 31) - 1;

    /** Two worker ids (database ids, 0 to 2^31-1) in one key, the smaller first. */
    private static long pairKey(long a, long b) {
        if (a < 0 || b < 0 || a > ID_MASK || b > ID_MASK) {
            throw new IllegalArgumentException("worker ids must be in 0..2^31-1");
        }
        return (Math.min(a, b) << 31) | Math.max(a, b);
    }

    static double median(double[] v, int n) {
        if (n == 0) {
            return 0;
        }
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
