package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.*;
import java.util.*;

public class Explore3 {
  public static void main(String[] args) throws Exception {
    var root = Datasets.root();
    for (String name : Datasets.names(root)) {
      var d = Datasets.load(root, name);
      int[] none = Aggregator.noGold(d.data());
      StringBuilder sb = new StringBuilder(String.format("%-24s", name));
      for (double[] p : new double[][]{{0.01,0},{0.5,2}}) {
        EmOptions ds = EmOptions.defaults(ConfusionModel.FULL).withPrior(p[0], p[1]);
        EmOptions oc = EmOptions.defaults(ConfusionModel.ONE_COIN).withPrior(p[0], p[1]);
        AggregationResult rMv = new DawidSkene(ds).fit(d.data(), none);
        AggregationResult rOc = new DawidSkene(oc).fit(d.data(), none);
        AggregationResult rW = new DawidSkene(ds).fit(d.data(), none, FittedModel.of(rOc, oc));
        AggregationResult rT = new DawidSkene(ds).fit(d.data(), d.truth());
        AggregationResult rTW = new DawidSkene(ds).fit(d.data(), none, FittedModel.of(rT, ds));
        sb.append(String.format(" | %s mvinit=%.4f ll=%.1f  ocinit=%.4f ll=%.1f  oracle-init=%.4f ll=%.1f",
          ds.describe(), acc(rMv,d), last(rMv), acc(rW,d), last(rW), acc(rTW,d), last(rTW)));
      }
      System.out.println(sb);
    }
  }
  static double last(AggregationResult r) { return r.logLikelihood()[r.logLikelihood().length-1]; }
  static double acc(AggregationResult r, Datasets.Loaded d) { return Datasets.accuracy(r.labels(), d.truth(), Aggregator.noGold(d.data())); }
}
