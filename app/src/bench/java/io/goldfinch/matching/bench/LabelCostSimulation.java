package io.goldfinch.matching.bench;

import io.goldfinch.matching.OverlapPolicy;
import io.goldfinch.quality.OneCoinPosterior;
import io.goldfinch.quality.WorkerAccuracy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Labels bought per item and accuracy, fixed overlap against dynamic overlap, on a seeded simulated crowd, using the
 * engine's own rules: {@link OverlapPolicy} decides when an item closes, {@link OneCoinPosterior} is the online
 * posterior, and worker accuracies come from simulated gold records through {@link WorkerAccuracy}.
 *
 * <p>Crowd: 60 workers — 70% good (accuracy 0.80–0.95), 20% mediocre (0.60–0.75), 10% spammers (0.50, random
 * answers); each has answered 10–40 golds. Items are binary with a 50/50 class split. Every answer comes from a
 * random worker who has not answered that item yet; final labels for both strategies are the one-coin posterior
 * argmax (and majority vote for fixed overlap, for reference).
 *
 * <p>Run: {@code ./goldfinch bench label-cost [items] [seed]}
 */
public final class LabelCostSimulation {

    record Worker(double accuracy, double estimate) {
    }

    record Outcome(String name, double labelsPerItem, double accuracy) {
    }

    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20261122L;
        SplittableRandom random = new SplittableRandom(seed);
        List<Worker> crowd = crowd(60, random);
        int[] truth = new int[items];
        for (int i = 0; i < items; i++) {
            truth[i] = random.nextInt(2);
        }
        System.out.printf(Locale.ROOT, "label cost: %,d binary items, %d workers, seed %d%n%n", items, crowd.size(), seed);
        System.out.printf(Locale.ROOT, "%-44s %14s %10s%n", "strategy", "labels/item", "accuracy");
        List<Outcome> outcomes = new ArrayList<>();
        for (int k : new int[]{3, 5}) {
            outcomes.add(run("fixed overlap " + k + " (majority vote)", truth, crowd, k, k, 2.0, null, true, new SplittableRandom(seed + k)));
            outcomes.add(run("fixed overlap " + k + " (one-coin posterior)", truth, crowd, k, k, 2.0, null, false, new SplittableRandom(seed + k)));
        }
        for (double target : TARGETS) {
            outcomes.add(run("dynamic min 1 max 5 target " + target, truth, crowd, 1, 5, target, null, false, new SplittableRandom(seed + 99)));
            outcomes.add(run("dynamic min 2 max 7 target " + target, truth, crowd, 2, 7, target, null, false, new SplittableRandom(seed + 99)));
        }
        for (Outcome o : outcomes) {
            System.out.printf(Locale.ROOT, "%-44s %14.3f %10.4f%n", o.name(), o.labelsPerItem(), o.accuracy());
        }
        System.out.println();
        for (String reference : List.of("fixed overlap 5 (majority vote)", "fixed overlap 5 (one-coin posterior)",
                "fixed overlap 3 (one-coin posterior)")) {
            Outcome fixed = outcomes.stream().filter(o -> o.name().equals(reference)).findFirst().orElseThrow();
            Outcome best = outcomes.stream().filter(o -> o.name().startsWith("dynamic") && o.accuracy() >= fixed.accuracy())
                    .min((a, b) -> Double.compare(a.labelsPerItem(), b.labelsPerItem())).orElse(null);
            if (best == null) {
                System.out.println("no dynamic setting reached the accuracy of " + reference);
            } else {
                System.out.printf(Locale.ROOT, "vs %-38s cheapest dynamic at >= its accuracy: %s, %.1f%% fewer labels (%.3f vs %.3f), accuracy %.4f vs %.4f%n",
                        reference + ":", best.name(), 100 * (1 - best.labelsPerItem() / fixed.labelsPerItem()), best.labelsPerItem(),
                        fixed.labelsPerItem(), best.accuracy(), fixed.accuracy());
            }
        }
        valueRule(truth, crowd, seed, outcomes);
    }

    /** Label values, in answers' cost, at which the value rule is compared with the confidence targets. */
    static final int[] VALUES = {3, 5, 10, 20, 50, 100, 300};
    static final double[] TARGETS = {0.85, 0.90, 0.93, 0.95, 0.98, 0.99};

    /**
     * The value rule ({@link io.goldfinch.matching.AnswerValue}): a right label worth V answers. What the requester
     * gets for his money is V x accuracy - answers per item (in answers' cost); the value rule (one setting: min 1,
     * max 7, no target) against the best of every fixed and target strategy above for that V, chosen with hindsight.
     */
    static void valueRule(int[] truth, List<Worker> crowd, long seed, List<Outcome> others) {
        System.out.printf(Locale.ROOT, "%nvalue rule: a right label worth V answers; net = V x accuracy - labels per item (in answers)%n");
        System.out.printf(Locale.ROOT, "%5s | %-29s | %-13s | %-13s | %-62s%n", "V", "value rule: labels, acc, net", "fixed 3 MV net",
                "target .95 net", "best other strategy for this V (hindsight): labels, acc, net");
        Outcome mv3 = others.stream().filter(o -> o.name().equals("fixed overlap 3 (majority vote)")).findFirst().orElseThrow();
        Outcome target95 = others.stream().filter(o -> o.name().equals("dynamic min 1 max 5 target 0.95")).findFirst().orElseThrow();
        for (int v : VALUES) {
            Outcome rule = run("value " + v, truth, crowd, 1, 7, 1.0, new OverlapPolicy.Price(100L * v, 100), false, new SplittableRandom(seed + 99));
            Outcome best = others.stream().max((a, b) -> Double.compare(net(a, v), net(b, v))).orElseThrow();
            System.out.printf(Locale.ROOT, "%5d | %6.3f  %.4f  %9.3f | %13.3f | %14.3f | %6.3f  %.4f  %9.3f  %s%n", v, rule.labelsPerItem(), rule.accuracy(),
                    net(rule, v), net(mv3, v), net(target95, v), best.labelsPerItem(), best.accuracy(), net(best, v), best.name());
        }
    }

    static double net(Outcome o, int value) {
        return value * o.accuracy() - o.labelsPerItem();
    }

    static List<Worker> crowd(int n, SplittableRandom random) {
        List<Worker> workers = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            double u = random.nextDouble();
            double accuracy = u < 0.7 ? 0.80 + 0.15 * random.nextDouble() : u < 0.9 ? 0.60 + 0.15 * random.nextDouble() : 0.5;
            int golds = 10 + random.nextInt(31);
            int correct = 0;
            for (int g = 0; g < golds; g++) {
                if (random.nextDouble() < accuracy) {
                    correct++;
                }
            }
            workers.add(new Worker(accuracy, WorkerAccuracy.estimate(correct, golds)));
        }
        return workers;
    }

    static Outcome run(String name, int[] truth, List<Worker> crowd, int overlapMin, int overlapMax, double target,
                       OverlapPolicy.Price price, boolean majority, SplittableRandom random) {
        long labels = 0;
        long right = 0;
        io.goldfinch.matching.CrowdAccuracy crowdSeen = new io.goldfinch.matching.CrowdAccuracy();
        for (int item = 0; item < truth.length; item++) {
            List<Integer> answers = new ArrayList<>();
            List<Double> estimates = new ArrayList<>();
            boolean[] used = new boolean[crowd.size()];
            double[] posterior = {0.5, 0.5};
            while (true) {
                int w;
                do {
                    w = random.nextInt(crowd.size());
                } while (used[w]);
                used[w] = true;
                Worker worker = crowd.get(w);
                int answer = random.nextDouble() < worker.accuracy() ? truth[item] : 1 - truth[item];
                answers.add(answer);
                estimates.add(worker.estimate());
                posterior = OneCoinPosterior.posterior(2, answers.stream().mapToInt(Integer::intValue).toArray(),
                        estimates.stream().mapToDouble(Double::doubleValue).toArray(), null);
                crowdSeen.record(worker.estimate());
                double next = crowdSeen.expected(estimates.stream().mapToDouble(Double::doubleValue).average().orElse(0)); // as AnswerStore does
                if (OverlapPolicy.decide(answers.size(), overlapMin, overlapMax, posterior, next, target, price).close()) {
                    break;
                }
            }
            labels += answers.size();
            int label;
            if (majority) {
                long ones = answers.stream().filter(a -> a == 1).count();
                long zeros = answers.size() - ones;
                label = ones == zeros ? random.nextInt(2) : ones > zeros ? 1 : 0;
            } else {
                label = OneCoinPosterior.argmax(posterior);
            }
            if (label == truth[item]) {
                right++;
            }
        }
        return new Outcome(name, (double) labels / truth.length, (double) right / truth.length);
    }
}
