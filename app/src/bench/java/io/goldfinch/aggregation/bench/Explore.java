package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.*;
import io.goldfinch.aggregation.cli.AnswerFiles;
import java.nio.file.*;
import java.util.*;

public class Explore {
  public static void main(String[] args) throws Exception {
    Path root = Path.of("/work/shared/datasets");
    List<String> sets = List.of(args[0].split(","));
    List<String> models = List.of(args[1].split(","));
    double tol = Double.parseDouble(args[2]);
    double gamma = Double.parseDouble(args[3]);
    double goldShare = Double.parseDouble(args[4]);
    double[][] priors = new double[args.length-5][];
    for (int a = 5; a < args.length; a++) priors[a-5] = Arrays.stream(args[a].split("/")).mapToDouble(Double::parseDouble).toArray();
    for (String set : sets) {
        Path dir = root.resolve(set);
        Map<String,String> truth = AnswerFiles.gold(dir.resolve("truth.csv"));
        AnswerSet data = AnswerFiles.answers(dir.resolve("labels.csv"), truth, null);
        int[] t = data.goldClasses(truth);
        int[] gold = Aggregator.noGold(data);
        if (goldShare > 0) {
          List<Integer> ti = new ArrayList<>();
          for (int i = 0; i < t.length; i++) if (t[i] >= 0) ti.add(i);
          Collections.shuffle(ti, new Random(42));
          for (int j = 0; j < Math.round(goldShare * ti.size()); j++) gold[ti.get(j)] = t[ti.get(j)];
        }
        StringBuilder sb = new StringBuilder(String.format("%-20s", set));
        sb.append(String.format(" mv=%.4f", acc(new MajorityVote().fit(data, gold), t, gold)));
        for (String mn : models) {
          ConfusionModel m = ConfusionModel.valueOf(mn);
          for (double[] p : priors) {
            EmOptions o = new EmOptions(m, p[0], p[1], p[2], true, null, gamma, tol, 1000, 0);
            AggregationResult r = new DawidSkene(o).fit(data, gold);
            sb.append(String.format(" %s/%s/%s=%.4f(%d)", p[0],p[1],p[2], acc(r, t, gold), r.iterations()));
          }
          sb.append("\n").append(" ".repeat(20));
        }
        System.out.println(sb);
    }
  }
  static double acc(AggregationResult r, int[] truth, int[] gold) {
    int n=0,c=0;
    for (int i=0;i<truth.length;i++) if (truth[i]>=0 && gold[i] < 0){n++; if (r.labels()[i]==truth[i]) c++;}
    return (double)c/n;
  }
}
