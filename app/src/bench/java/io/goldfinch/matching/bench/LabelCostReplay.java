package io.goldfinch.matching.bench;

import io.goldfinch.aggregation.AnswerSet;
import io.goldfinch.aggregation.bench.Datasets;
import io.goldfinch.matching.CrowdAccuracy;
import io.goldfinch.matching.OverlapPolicy;
import io.goldfinch.quality.ClosingReplay;
import io.goldfinch.quality.OneCoinPosterior;
import io.goldfinch.quality.PosteriorTemperature;
import io.goldfinch.quality.WorkerAccuracy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Dynamic overlap replayed on the public datasets: each scored item's answers arrive one by one (in a seeded random
 * order) and the engine's rule ({@link OverlapPolicy}, the online one-coin posterior, worker accuracies from 10% of
 * truth given as gold) decides after each whether to buy the next; an item that is never closed uses all its answers.
 * Compared: every answer the set has (its fixed overlap), the confidence targets, and the value rule at several label
 * values (in answers' cost). Scored on truth items not given as gold, with the label where the item closed.
 *
 * <p>Run: {@code ./goldfinch bench label-cost} (after the simulation), or this class with [goldShare] [seed].
 */
public final class LabelCostReplay {

    /** {@code tempered}: worker accuracies tempered by the inverse temperature fitted on the gold items. */
    record Rule(String name, int overlapMin, double target, OverlapPolicy.Price price, boolean tempered) {
    }

    public static void main(String[] args) throws Exception {
        double share = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20240601L;
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule("all answers", Integer.MAX_VALUE, 2, null, false));
        for (boolean tempered : new boolean[]{false, true}) {
            String t0 = tempered ? "~" : "";
            for (double t : new double[]{0.9, 0.95, 0.99}) {
                rules.add(new Rule(t0 + "target " + t, 2, t, null, tempered));
            }
            for (int v : new int[]{10, 30, 100}) {
                rules.add(new Rule(t0 + "value " + v, 1, 2, new OverlapPolicy.Price(100L * v, 100), tempered));
            }
        }
        Path root = Datasets.root();
        System.out.printf(Locale.ROOT, "dynamic overlap replayed on %s: answers per item / accuracy, %.0f%% of truth as gold (seed %d)%n", root, share * 100, seed);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-24s | %-5s", "dataset", "beta"));
        for (Rule r : rules) {
            head.append(String.format(Locale.ROOT, " | %-14s", r.name()));
        }
        System.out.println(head);
        long[] pooledAnswers = new long[rules.size()];
        long[] pooledRight = new long[rules.size()];
        long pooledItems = 0;
        long[] atTarget = new long[rules.size()];
        long[] rightAtTarget = new long[rules.size()];
        double[] statedAtTarget = new double[rules.size()];
        for (String name : Datasets.names(root)) {
            Datasets.Loaded d = Datasets.load(root, name);
            int[] gold = d.gold(share, seed);
            AnswerSet data = d.data();
            double[] plain = Datasets.goldAccuracies(data, gold);
            double beta = PosteriorTemperature.fit(goldReplays(data, gold, new SplittableRandom(seed ^ 0x5eed)), data.classes(), Integer.MAX_VALUE);
            double[] tempered = new double[plain.length];
            for (int w = 0; w < plain.length; w++) {
                tempered[w] = PosteriorTemperature.accuracy(plain[w], data.classes(), beta);
            }
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-24s | %.3f", name, beta));
            int items = 0;
            for (int r = 0; r < rules.size(); r++) {
                Rule rule = rules.get(r);
                double[] accuracy = rule.tempered() ? tempered : plain;
                SplittableRandom order = new SplittableRandom(seed);
                CrowdAccuracy crowd = new CrowdAccuracy();
                long answers = 0;
                long right = 0;
                items = 0;
                for (int i = 0; i < data.items(); i++) {
                    int[] ws = data.workersOn(i);
                    int[] ls = data.labelsOn(i);
                    shuffle(ws, ls, order);
                    if (d.truth()[i] < 0 || gold[i] >= 0) {
                        continue;
                    }
                    items++;
                    int[] label = new int[1];
                    double[] stated = new double[1];
                    answers += replay(ws, ls, accuracy, data.classes(), rule, crowd, label, stated);
                    right += label[0] == d.truth()[i] ? 1 : 0;
                    if (stated[0] >= 0) {
                        atTarget[r]++;
                        rightAtTarget[r] += label[0] == d.truth()[i] ? 1 : 0;
                        statedAtTarget[r] += stated[0];
                    }
                }
                pooledAnswers[r] += answers;
                pooledRight[r] += right;
                row.append(String.format(Locale.ROOT, " | %5.2f  %.4f ", (double) answers / items, (double) right / items));
            }
            pooledItems += items;
            System.out.println(row);
        }
        StringBuilder pooled = new StringBuilder(String.format(Locale.ROOT, "%-24s |      ", "pooled (" + pooledItems + " items)"));
        for (int r = 0; r < rules.size(); r++) {
            pooled.append(String.format(Locale.ROOT, " | %5.2f  %.4f ", (double) pooledAnswers[r] / pooledItems, (double) pooledRight[r] / pooledItems));
        }
        System.out.println(pooled);
        StringBuilder honest = new StringBuilder(String.format(Locale.ROOT, "%-24s |      ", "closed at target: right"));
        StringBuilder said = new StringBuilder(String.format(Locale.ROOT, "%-24s |      ", "  stated (items)"));
        for (int r = 0; r < rules.size(); r++) {
            boolean any = rules.get(r).target() <= 1 && atTarget[r] > 0;
            honest.append(any ? String.format(Locale.ROOT, " | %14.4f", (double) rightAtTarget[r] / atTarget[r]) : String.format(Locale.ROOT, " | %14s", "-"));
            said.append(any ? String.format(Locale.ROOT, " | %.4f %7d", statedAtTarget[r] / atTarget[r], atTarget[r]) : String.format(Locale.ROOT, " | %14s", "-"));
        }
        System.out.println(honest);
        System.out.println(said);
        // What the requester keeps per item, pooled, if a right label is worth V answers: V x accuracy - answers.
        System.out.printf(Locale.ROOT, "%nnet per item, pooled, with a right label worth V answers (V x accuracy - answers per item)%n");
        for (int v : new int[]{10, 30, 100}) {
            StringBuilder net = new StringBuilder(String.format(Locale.ROOT, "%-24s |      ", "V = " + v));
            for (int r = 0; r < rules.size(); r++) {
                net.append(String.format(Locale.ROOT, " | %14.3f", (v * (double) pooledRight[r] - pooledAnswers[r]) / pooledItems));
            }
            System.out.println(net);
        }
    }

    /** Answers bought on one item under the rule; {@code label[0]} gets the label where it closed. */
    static int replay(int[] ws, int[] ls, double[] accuracy, int classes, Rule rule, CrowdAccuracy crowd, int[] label, double[] stated) {
        int n = ws.length;
        double[] acc = new double[n];
        double[] post = null;
        for (int j = 0; j < n; j++) {
            acc[j] = accuracy[ws[j]];
            crowd.record(acc[j]);
            post = OneCoinPosterior.posterior(classes, java.util.Arrays.copyOf(ls, j + 1), java.util.Arrays.copyOf(acc, j + 1), null);
            double next = rule.price() == null ? 0 : crowd.expected(java.util.Arrays.stream(acc, 0, j + 1).average().orElse(0));
            if (OverlapPolicy.decide(j + 1, Math.min(rule.overlapMin(), n), n, post, next, rule.target(), rule.price()).close()) {
                label[0] = OneCoinPosterior.argmax(post);
                stated[0] = post[label[0]] >= rule.target() ? post[label[0]] : -1;
                return j + 1;
            }
        }
        label[0] = OneCoinPosterior.argmax(post);
        stated[0] = post[label[0]] >= rule.target() ? post[label[0]] : -1;
        return n;
    }

    /**
     * The gold items as the confidence check replays them: answers in a seeded order, each worker's accuracy from his
     * record on the other golds.
     */
    static List<ClosingReplay.Gold> goldReplays(AnswerSet data, int[] gold, SplittableRandom order) {
        long[][] record = Datasets.goldRecords(data, gold);
        long[] answered = record[0];
        long[] correct = record[1];
        List<ClosingReplay.Gold> out = new ArrayList<>();
        for (int i = 0; i < data.items(); i++) {
            if (gold[i] < 0) {
                continue;
            }
            int[] ws = data.workersOn(i);
            int[] ls = data.labelsOn(i);
            shuffle(ws, ls, order);
            List<ClosingReplay.Answer> answers = new ArrayList<>();
            for (int j = 0; j < ws.length; j++) {
                int hit = ls[j] == gold[i] ? 1 : 0;
                answers.add(new ClosingReplay.Answer(ls[j], WorkerAccuracy.estimate(correct[ws[j]] - hit, answered[ws[j]] - 1)));
            }
            out.add(new ClosingReplay.Gold(gold[i], answers));
        }
        return out;
    }

    private static void shuffle(int[] ws, int[] ls, SplittableRandom random) {
        for (int j = ws.length - 1; j > 0; j--) {
            int k = random.nextInt(j + 1);
            int w = ws[j];
            ws[j] = ws[k];
            ws[k] = w;
            int l = ls[j];
            ls[j] = ls[k];
            ls[k] = l;
        }
    }
}
