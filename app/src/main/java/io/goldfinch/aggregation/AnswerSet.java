package io.goldfinch.aggregation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answers of one job, encoded for the aggregators: dense integer ids and flat primitive arrays.
 *
 * <p>Items and workers are numbered in the lexicographic order of their names, and the answers of an item are
 * stored contiguously (CSR: answers {@code itemStart[i] .. itemStart[i+1]-1}) sorted by worker id. This makes every
 * aggregator independent of the order in which answers arrive: the same set of answers always yields the same
 * arrays, hence the same floating-point operations in the same order.
 *
 * <p>Each answer is stored as one int {@code workerLabel = worker * K + label}: the EM kernels only ever need the
 * pair, and one array instead of two halves the memory traffic (100M answers = 400 MB).
 *
 * <p>Duplicate (item, worker) answers: the one with the highest sequence number wins (a marketplace keeps the
 * latest answer); on equal sequence numbers the one added last wins.
 *
 * <p>Items without answers do not exist here. Immutable after construction (arrays are not exposed for writing
 * outside the package).
 */
public final class AnswerSet {
  /** Names in lexicographic order; for {@link #ofDense} sets {@link Names} that generates them on demand. */
  final Names itemNames;
  final Names workerNames;
  final List<String> labels;
  final int[] itemStart;
  final int[] workerLabel;
  final int classes;

  AnswerSet(String[] itemNames, String[] workerNames, List<String> labels, int[] itemStart, int[] workerLabel) {
    this(new Names.Stored(itemNames), new Names.Stored(workerNames), labels, itemStart, workerLabel);
  }

  private AnswerSet(Names itemNames, Names workerNames, List<String> labels, int[] itemStart, int[] workerLabel) {
    this.itemNames = itemNames;
    this.workerNames = workerNames;
    this.labels = List.copyOf(labels);
    this.itemStart = itemStart;
    this.workerLabel = workerLabel;
    this.classes = labels.size();
    if (itemStart.length != itemNames.size() + 1 || itemStart[itemNames.size()] != workerLabel.length) {
      throw new IllegalStateException("inconsistent CSR arrays");
    }
  }

  /**
   * Builds an answer set straight from dense arrays (synthetic data, benchmarks). Names are generated as
   * zero-padded numbers so that their lexicographic order equals the numeric order.
   */
  public static AnswerSet ofDense(int items, int workers, int classes, int[] itemStart, int[] workerLabel) {
    if (classes < 1) {
      throw new IllegalArgumentException("need at least one class");
    }
    List<String> labels = new java.util.ArrayList<>(classes);
    for (int k = 0; k < classes; k++) {
      labels.add(Integer.toString(k));
    }
    return new AnswerSet(new Names.Padded("i", items), new Names.Padded("w", workers), labels, itemStart,
        workerLabel);
  }

  /** Sorted names of items or workers: stored, or generated (synthetic sets with millions of items). */
  interface Names {
    int size();

    String get(int index);

    /** Index of a name, or -1. */
    int indexOf(String name);

    record Stored(String[] names) implements Names {
      @Override
      public int size() {
        return names.length;
      }

      @Override
      public String get(int index) {
        return names[index];
      }

      @Override
      public int indexOf(String name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? i : -1;
      }
    }

    /**
     * {@code prefix} + the index zero-padded to the width of {@code size - 1}, so that lexicographic order is
     * numeric order. Costs nothing per name until asked (20M stored names would take over 1 GB of heap).
     */
    record Padded(String prefix, int size) implements Names {
      int width() {
        return Integer.toString(Math.max(0, size - 1)).length();
      }

      @Override
      public String get(int index) {
        Objects.checkIndex(index, size);
        String s = Integer.toString(index);
        return prefix + "0".repeat(width() - s.length()) + s;
      }

      @Override
      public int indexOf(String name) {
        if (name == null || name.length() != prefix.length() + width() || !name.startsWith(prefix)) {
          return -1;
        }
        int v = 0;
        for (int c = prefix.length(); c < name.length(); c++) {
          char ch = name.charAt(c);
          if (ch < '0' || ch > '9') {
            return -1;
          }
          v = v * 10 + (ch - '0');
        }
        return v < size ? v : -1;
      }
    }
  }

  /** Encodes a list of facade answers; labels outside {@code labels} are rejected. */
  public static AnswerSet of(List<LabelAggregation.Answer> answers, List<String> labels) {
    Objects.requireNonNull(answers, "answers");
    Builder b = new Builder(labels);
    int row = 0;
    for (LabelAggregation.Answer a : answers) {
      if (a == null) {
        throw new IllegalArgumentException("answer #" + row + " is null");
      }
      b.add(a.item(), a.worker(), a.label(), a.seq(), "answer #" + row);
      row++;
    }
    return b.build();
  }

  public int items() {
    return itemNames.size();
  }

  public int workers() {
    return workerNames.size();
  }

  public int classes() {
    return classes;
  }

  /** Number of answers after removing duplicates. */
  public int answers() {
    return workerLabel.length;
  }

  public String itemName(int item) {
    return itemNames.get(item);
  }

  public String workerName(int worker) {
    return workerNames.get(worker);
  }

  public List<String> labels() {
    return labels;
  }

  public int answersOn(int item) {
    return itemStart[item + 1] - itemStart[item];
  }

  /** Worker ids of the answers on an item, in storage order. */
  public int[] workersOn(int item) {
    int[] out = new int[answersOn(item)];
    for (int a = itemStart[item], j = 0; a < itemStart[item + 1]; a++, j++) {
      out[j] = workerLabel[a] / classes;
    }
    return out;
  }

  /** Class indices of the answers on an item, in the order of {@link #workersOn}. */
  public int[] labelsOn(int item) {
    int[] out = new int[answersOn(item)];
    for (int a = itemStart[item], j = 0; a < itemStart[item + 1]; a++, j++) {
      out[j] = workerLabel[a] % classes;
    }
    return out;
  }

  /** Index of an item by name, or -1. */
  public int itemIndex(String name) {
    return itemNames.indexOf(name);
  }

  /** Index of a worker by name, or -1. */
  public int workerIndex(String name) {
    return workerNames.indexOf(name);
  }

  /**
   * Maps gold labels (item name → label) to a per-item class array, -1 where no gold. Gold on items that have no
   * answers is ignored (those items are not part of the job's output); a gold label outside the label set is
   * rejected.
   */
  public int[] goldClasses(Map<String, String> gold) {
    int[] g = new int[items()];
    Arrays.fill(g, -1);
    if (gold == null) {
      return g;
    }
    Map<String, Integer> index = labelIndex(labels);
    for (Map.Entry<String, String> e : gold.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("gold entry with null item or label: " + e);
      }
      Integer k = index.get(e.getValue());
      if (k == null) {
        throw new IllegalArgumentException(
            "gold label '" + e.getValue() + "' for item '" + e.getKey() + "' is not in the label set " + labels);
      }
      int i = itemIndex(e.getKey());
      if (i >= 0) {
        g[i] = k;
      }
    }
    return g;
  }

  static Map<String, Integer> labelIndex(List<String> labels) {
    Objects.requireNonNull(labels, "labels");
    Map<String, Integer> index = new HashMap<>();
    for (int k = 0; k < labels.size(); k++) {
      String l = labels.get(k);
      if (l == null) {
        throw new IllegalArgumentException("label set contains null");
      }
      if (index.put(l, k) != null) {
        throw new IllegalArgumentException("label set contains '" + l + "' twice");
      }
    }
    if (index.isEmpty()) {
      throw new IllegalArgumentException("label set is empty");
    }
    return index;
  }

  /**
   * Collects answers with string ids into growable primitive arrays, then sorts, deduplicates and encodes them in
   * O(n) (two counting sorts) plus a sort of the distinct names.
   */
  public static final class Builder {
    private final List<String> labels;
    private final Map<String, Integer> labelIndex;
    /** Open mode: labels are collected as seen and ordered at {@link #build(List)}. */
    private final boolean open;
    private final Map<String, Integer> items = new HashMap<>();
    private final Map<String, Integer> workers = new HashMap<>();
    private int[] item = new int[1024];
    private int[] worker = new int[1024];
    private int[] label = new int[1024];
    private long[] seq = new long[1024];
    private int n;

    /** A builder for a known label set: any other label is rejected in {@link #add}. */
    public Builder(List<String> labels) {
      this.labelIndex = labelIndex(labels);
      this.labels = List.copyOf(labels);
      this.open = false;
    }

    /** A builder that accepts any label; the label set and its order are given at {@link #build(List)}. */
    public Builder() {
      this.labelIndex = new HashMap<>();
      this.labels = new java.util.ArrayList<>();
      this.open = true;
    }

    /** Labels seen so far, in order of first appearance. */
    public List<String> seenLabels() {
      return List.copyOf(labels);
    }

    public int size() {
      return n;
    }

    /**
     * Adds one answer. {@code where} names the answer in error messages (e.g. "line 12").
     *
     * @throws IllegalArgumentException on a null or empty id, or a label outside the label set
     */
    public Builder add(String itemName, String workerName, String labelName, long sequence, String where) {
      if (itemName == null || itemName.isEmpty()) {
        throw new IllegalArgumentException(where + ": empty item id");
      }
      if (workerName == null || workerName.isEmpty()) {
        throw new IllegalArgumentException(where + ": empty worker id");
      }
      if (labelName == null) {
        throw new IllegalArgumentException(where + ": missing label");
      }
      Integer k = labelIndex.get(labelName);
      if (k == null && open) {
        k = labels.size();
        labels.add(labelName);
        labelIndex.put(labelName, k);
      } else if (k == null) {
        throw new IllegalArgumentException(
            where + ": label '" + labelName + "' is not in the label set " + labels);
      }
      if (n == item.length) {
        int cap = n + (n >> 1);
        item = Arrays.copyOf(item, cap);
        worker = Arrays.copyOf(worker, cap);
        label = Arrays.copyOf(label, cap);
        seq = Arrays.copyOf(seq, cap);
      }
      Integer it = items.get(itemName);
      if (it == null) {
        it = items.size();
        items.put(itemName, it);
      }
      Integer wo = workers.get(workerName);
      if (wo == null) {
        wo = workers.size();
        workers.put(workerName, wo);
      }
      item[n] = it;
      worker[n] = wo;
      label[n] = k;
      seq[n] = sequence;
      n++;
      return this;
    }

    /**
     * Builds with the final label set (open builders; for a closed builder it must equal the constructor's). Every
     * label seen must be in it.
     */
    public AnswerSet build(List<String> finalLabels) {
      if (!open) {
        if (!finalLabels.equals(labels)) {
          throw new IllegalArgumentException("label set " + finalLabels + " differs from " + labels);
        }
        return build();
      }
      Map<String, Integer> target = labelIndex(finalLabels);
      int[] remap = new int[labels.size()];
      for (int j = 0; j < labels.size(); j++) {
        Integer t = target.get(labels.get(j));
        if (t == null) {
          throw new IllegalArgumentException("label '" + labels.get(j) + "' is not in the label set " + finalLabels);
        }
        remap[j] = t;
      }
      for (int a = 0; a < n; a++) {
        label[a] = remap[label[a]];
      }
      labels.clear();
      labelIndex.clear();
      for (int j = 0; j < finalLabels.size(); j++) {
        labels.add(finalLabels.get(j));
        labelIndex.put(finalLabels.get(j), j);
      }
      return buildEncoded(List.copyOf(finalLabels));
    }

    public AnswerSet build() {
      if (open) {
        throw new IllegalStateException("an open builder needs build(labels)");
      }
      return buildEncoded(labels);
    }

    private AnswerSet buildEncoded(List<String> labels) {
      String[] itemNames = sortedNames(items);
      String[] workerNames = sortedNames(workers);
      int[] itemRank = ranks(items, itemNames);
      int[] workerRank = ranks(workers, workerNames);
      int nItems = itemNames.length;
      int nWorkers = workerNames.length;
      for (int a = 0; a < n; a++) {
        item[a] = itemRank[item[a]];
        worker[a] = workerRank[worker[a]];
      }
      // Stable counting sort by worker, then stable counting sort by item: answers grouped by item, sorted by
      // worker inside the item, and duplicates of one (item, worker) stay in insertion order.
      int[] byWorker = countingSort(worker, nWorkers, identity(n));
      int[] order = countingSort(item, nItems, byWorker);
      int[] start = new int[nItems + 1];
      int[] wl = new int[n];
      int m = 0;
      int k = labels.size();
      for (int p = 0; p < n; ) {
        int a = order[p];
        int best = a;
        int q = p + 1;
        while (q < n && item[order[q]] == item[a] && worker[order[q]] == worker[a]) {
          int b = order[q];
          if (seq[b] >= seq[best]) {
            best = b;
          }
          q++;
        }
        wl[m++] = worker[best] * k + label[best];
        start[item[a] + 1]++;
        p = q;
      }
      for (int i = 0; i < nItems; i++) {
        start[i + 1] += start[i];
      }
      if ((long) nWorkers * k > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("too many workers x classes for int ids");
      }
      return new AnswerSet(itemNames, workerNames, labels, start, m == n ? wl : Arrays.copyOf(wl, m));
    }

    private static String[] sortedNames(Map<String, Integer> ids) {
      String[] names = ids.keySet().toArray(new String[0]);
      Arrays.sort(names);
      return names;
    }

    private static int[] ranks(Map<String, Integer> ids, String[] sorted) {
      int[] rank = new int[sorted.length];
      for (int r = 0; r < sorted.length; r++) {
        rank[ids.get(sorted[r])] = r;
      }
      return rank;
    }

    private static int[] identity(int n) {
      int[] a = new int[n];
      for (int i = 0; i < n; i++) {
        a[i] = i;
      }
      return a;
    }

    /** Stable counting sort of the positions in {@code input} by {@code key[position]}. */
    private static int[] countingSort(int[] key, int range, int[] input) {
      int[] count = new int[range + 1];
      for (int p : input) {
        count[key[p] + 1]++;
      }
      for (int r = 0; r < range; r++) {
        count[r + 1] += count[r];
      }
      int[] out = new int[input.length];
      for (int p : input) {
        out[count[key[p]]++] = p;
      }
      return out;
    }
  }
}
