package io.goldfinch.aggregation.bench;

import io.goldfinch.aggregation.*;
import java.util.*;

/**
 * Research (issue 3): the accuracy report scores a fit with 10% gold on the other 90% of the truth items, a different
 * set of items from the no-gold column. This scores the no-gold fit of each method on that same 90%, so that what the
 * gold changes is told apart from what the smaller, other item set changes. Args: [goldShare=0.1] [seed=20240601].
 */
public final class GoldSubsetCheck {
  public static void main(String[] args) throws Exception {
    double share = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20240601L;
    var root = Datasets.root();
    System.out.printf("%-24s %22s %22s %22s%n", "set (on the non-gold 90%)", "ds no gold / gold", "auto no gold / gold",
        "mv no gold / gold");
    for (String name : Datasets.names(root)) {
      var d = Datasets.load(root, name);
      int[] none = Aggregator.noGold(d.data());
      int[] gold = d.gold(share, seed);
      StringBuilder sb = new StringBuilder(String.format("%-24s", name));
      for (String m : new String[] {"ds", "auto", "mv"}) {
        Aggregator a = Methods.byName(m);
        double without = Datasets.accuracy(a.fit(d.data(), none).labels(), d.truth(), gold);
        double with = Datasets.accuracy(a.fit(d.data(), gold).labels(), d.truth(), gold);
        sb.append(String.format(" %10.4f / %.4f", without, with));
      }
      System.out.println(sb);
    }
  }
}
