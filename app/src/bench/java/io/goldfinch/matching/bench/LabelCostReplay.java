package io.goldfinch.matching.bench;

import io.goldfinch.aggregation.AnswerSet;
import io.goldfinch.aggregation.bench.Datasets;
import io.goldfinch.matching.CrowdAccuracy;
import io.goldfinch.matching.OverlapPolicy;
import io.goldfinch.quality.OneCoinPosterior;

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

    record Rule(String name, int overlapMin, double target, OverlapPolicy.Price price) {
    }

    public static void main(String[] args) throws Exception {
        double share = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20240601L;
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule("all answers", Integer.MAX_VALUE, 2, null));
        for (double t : new double[]{0.9, 0.95, 0.99}) {
            rules.add(new Rule("target " + t, 2, t, null));
        }
        for (int v : new int[]{10, 30, 100}) {
            rules.add(new Rule("value " + v, 1, 2, new OverlapPolicy.Price(100L * v, 100)));
        }
        Path root = Datasets.root();
        System.out.printf(Locale.ROOT, "dynamic overlap replayed on %s: answers per item / accuracy, %.0f%% of truth as gold (seed %d)%n", root, share * 100, seed);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-24s", "dataset"));
        for (Rule r : rules) {
            head.append(String.format(Locale.ROOT, " | %-14s", r.name()));
        }
        System.out.println(head);
        long[] pooledAnswers = new long[rules.size()];
        long[] pooledRight = new long[rules.size()];
        long pooledItems = 0;
        for (String name : Datasets.names(root)) {
            Datasets.Loaded d = Datasets.load(root, name);
            int[] gold = d.gold(share, seed);
            AnswerSet data = d.data();
            double[] accuracy = Datasets.goldAccuracies(data, gold);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-24s", name));
            int items = 0;
            for (int r = 0; r < rules.size(); r++) {
                Rule rule = rules.get(r);
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
                    answers += replay(ws, ls, accuracy, data.classes(), rule, crowd, label);
                    right += label[0] == d.truth()[i] ? 1 : 0;
                }
                pooledAnswers[r] += answers;
                pooledRight[r] += right;
                row.append(String.format(Locale.ROOT, " | %5.2f  %.4f ", (double) answers / items, (double) right / items));
            }
            pooledItems += items;
            System.out.println(row);
        }
        StringBuilder pooled = new StringBuilder(String.format(Locale.ROOT, "%-24s", "pooled (" + pooledItems + " items)"));
        for (int r = 0; r < rules.size(); r++) {
            pooled.append(String.format(Locale.ROOT, " | %5.2f  %.4f ", (double) pooledAnswers[r] / pooledItems, (double) pooledRight[r] / pooledItems));
        }
        System.out.println(pooled);
        // What the requester keeps per item, pooled, if a right label is worth V answers: V x accuracy - answers.
        System.out.printf(Locale.ROOT, "%nnet per item, pooled, with a right label worth V answers (V x accuracy - answers per item)%n");
        for (int v : new int[]{10, 30, 100}) {
            StringBuilder net = new StringBuilder(String.format(Locale.ROOT, "%-24s", "V = " + v));
            for (int r = 0; r < rules.size(); r++) {
                net.append(String.format(Locale.ROOT, " | %14.3f", (v * (double) pooledRight[r] - pooledAnswers[r]) / pooledItems));
            }
            System.out.println(net);
        }
    }

    /** Answers bought on one item under the rule; {@code label[0]} gets the label where it closed. */
    static int replay(int[] ws, int[] ls, double[] accuracy, int classes, Rule rule, CrowdAccuracy crowd, int[] label) {
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
                return j + 1;
            }
        }
        label[0] = OneCoinPosterior.argmax(post);
        return n;
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
