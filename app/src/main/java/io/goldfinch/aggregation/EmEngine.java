package io.goldfinch.aggregation;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The EM core shared by one-coin, class-conditional one-coin and full Dawid-Skene.
 *
 * <p>Layout. Answer a is the int {@code wl = worker * K + label}. Log confusion probabilities are stored
 * answer-major: {@code logTheta[wl * K + k] = log P(answer label | truth k, worker)}, so the E-step reads K
 * contiguous doubles per answer, and the expected counts use the same layout, so the M-step statistics are K
 * contiguous adds per answer.
 *
 * <p>One iteration is one pass over the answers, item by item: the E-step for the item (log space: sum the K logs
 * per answer, subtract the maximum, exponentiate, normalise, so 20+ answers on an item never underflow), its share
 * of the log-likelihood, and at once its expected counts for the next M-step. Gold items are clamped to one-hot in
 * every E-step and count in the M-step like any other item.
 *
 * <p>Parallelism: items are cut into a fixed number of parts that depends only on the data size, each part
 * accumulates its own counts, and parts are merged in part order. So the result is bit-identical whatever the
 * number of threads or cores.
 */
final class EmEngine {
  /** Answers per part when the data is cut for threads; below this one part (no thread overhead). */
  static final int ANSWERS_PER_PART_MIN = 1 << 17;
  /** Fixed number of parts for large data (not the core count, so results are machine-independent). */
  static final int PARTS_LARGE = 2;

  private final AnswerSet data;
  private final int[] gold;
  private final EmOptions options;
  private final int k;
  private final int workers;
  /** Item boundaries of the parts: part p covers items [partStart[p], partStart[p+1]). */
  private final int[] partStart;

  /** Current parameters. */
  final double[] logTheta;
  final double[] logPrior;
  /** Per part expected counts ({@code [wl * K + k]}) and class counts. */
  private final double[][] counts;
  private final double[][] classCounts;
  private final double[] partLogLikelihood;
  /** Tiled layout per part (null: item-major kernels), and per part the block scratch of {@code K} per item. */
  private final Block[][] blocks;
  private final double[][] scratch;

  /**
   * Tables (log confusion or counts, {@code workers * K * K} doubles) above this size use the tiled layout: a
   * per-answer random access into them would miss the core's cache.
   */
  static final long TILE_MIN_TABLE_BYTES = 1L << 20;
  /** Doubles of per-item scratch per block (items per block = this / K, at most 65536): about half of an L2. */
  static final int BLOCK_SCRATCH_DOUBLES = 1 << 17;
  /** Tests only: forces the tiled (true) or item-major (false) layout; null = by table size. */
  static volatile Boolean forceTiles;

  EmEngine(AnswerSet data, int[] gold, EmOptions options) {
    this.data = data;
    this.gold = gold;
    this.options = options;
    this.k = data.classes();
    this.workers = data.workers();
    int parts = data.answers() >= 2 * ANSWERS_PER_PART_MIN ? PARTS_LARGE : 1;
    this.partStart = cut(data, parts);
    this.logTheta = new double[workers * k * k];
    this.logPrior = new double[k];
    this.counts = new double[parts][];
    this.classCounts = new double[parts][];
    for (int p = 0; p < parts; p++) {
      counts[p] = new double[workers * k * k];
      classCounts[p] = new double[k];
    }
    this.partLogLikelihood = new double[parts];
    this.pseudo = new double[k * k];
    setPseudo(null);
    Boolean force = forceTiles;
    boolean tiled = k >= 2 && (force != null ? force : (long) workers * k * k * Double.BYTES > TILE_MIN_TABLE_BYTES);
    this.blocks = tiled ? new Block[parts][] : null;
    this.scratch = tiled ? new double[parts][] : null;
  }

  boolean tiled() {
    return blocks != null;
  }

  /**
   * A block of items [from, to) in the tiled layout. Its answers are grouped into runs of equal answer row
   * {@code wl = worker * K + label}, runs in increasing {@code wl}; inside a run, the block-local item indices in
   * increasing order. A pass then reads each confusion row once per block, in address order (the hardware
   * prefetcher streams them), and adds it to the items of the run, whose scores sit in a cache-resident scratch.
   * Per item, the answers are still added in worker order, i.e. in the same order as the item-major pass.
   */
  static final class Block {
    final int from;
    final int to;
    final char[] item;
    final int[] runWl;
    final int[] runEnd;

    Block(int from, int to, char[] item, int[] runWl, int[] runEnd) {
      this.from = from;
      this.to = to;
      this.item = item;
      this.runWl = runWl;
      this.runEnd = runEnd;
    }
  }

  static int blockItems(int k) {
    return Math.max(1, Math.min(1 << 16, BLOCK_SCRATCH_DOUBLES / k));
  }

  /** Builds the tiled layout of every part (in parallel); O(answers + blocks x rows). */
  private void buildTiles(ExecutorService pool) {
    if (blocks == null || blocks[0] != null) {
      return;
    }
    Runnable[] jobs = new Runnable[parts()];
    for (int p = 0; p < jobs.length; p++) {
      final int part = p;
      jobs[p] = () -> {
        blocks[part] = buildBlocks(partStart[part], partStart[part + 1]);
        scratch[part] = new double[blockItems(k) * k];
      };
    }
    runParts(pool, jobs);
  }

  private Block[] buildBlocks(int from, int to) {
    final int[] wl = data.workerLabel;
    final int[] start = data.itemStart;
    final int rows = workers * k;
    final int bi = blockItems(k);
    int[] cnt = new int[rows];
    int[] touched = new int[0];
    java.util.List<Block> out = new java.util.ArrayList<>();
    for (int b0 = from; b0 < to; b0 += bi) {
      int b1 = Math.min(to, b0 + bi);
      int a0 = start[b0];
      int a1 = start[b1];
      if (touched.length < a1 - a0) {
        touched = new int[a1 - a0];
      }
      int distinct = 0;
      for (int a = a0; a < a1; a++) {
        int r = wl[a];
        if (cnt[r]++ == 0) {
          touched[distinct++] = r;
        }
      }
      int[] runWl;
      if ((long) distinct * 16 < rows) {
        runWl = Arrays.copyOf(touched, distinct);
        Arrays.sort(runWl);
      } else {
        runWl = new int[distinct];
        for (int r = 0, j = 0; r < rows; r++) {
          if (cnt[r] != 0) {
            runWl[j++] = r;
          }
        }
      }
      int[] runEnd = new int[distinct];
      int pos = 0;
      for (int j = 0; j < distinct; j++) {
        int r = runWl[j];
        int c = cnt[r];
        cnt[r] = pos;
        pos += c;
        runEnd[j] = pos;
      }
      char[] item = new char[a1 - a0];
      for (int i = b0; i < b1; i++) {
        char loc = (char) (i - b0);
        for (int a = start[i]; a < start[i + 1]; a++) {
          item[cnt[wl[a]]++] = loc;
        }
      }
      for (int j = 0; j < distinct; j++) {
        cnt[runWl[j]] = 0;
      }
      out.add(new Block(b0, b1, item, runWl, runEnd));
    }
    return out.toArray(new Block[0]);
  }

  /** Cuts items into {@code parts} ranges of about equal answer counts. */
  private static int[] cut(AnswerSet data, int parts) {
    int[] ps = new int[parts + 1];
    int n = data.items();
    long total = data.answers();
    int i = 0;
    for (int p = 1; p < parts; p++) {
      long target = total * p / parts;
      while (i < n && data.itemStart[i] < target) {
        i++;
      }
      ps[p] = i;
    }
    ps[parts] = n;
    return ps;
  }

  int parts() {
    return partStart.length - 1;
  }

  /** Starts from the soft majority vote (gold clamped), followed by one M-step. */
  void initFromMajorityVote(ExecutorService pool) {
    accumulateMajorityVote(pool);
    estimate();
  }

  void initFromMajorityVote() {
    initFromMajorityVote(null);
  }

  /**
   * Warm start: parameters from a previous fit. The pooled part of the prior still comes from the majority vote of
   * this data, so a warm and a cold fit optimise the same objective.
   */
  void initFrom(double[] logThetaInit, double[] logPriorInit, ExecutorService pool) {
    if (options.pooled() > 0) {
      accumulateMajorityVote(pool);
    }
    System.arraycopy(logThetaInit, 0, logTheta, 0, logTheta.length);
    System.arraycopy(logPriorInit, 0, logPrior, 0, k);
  }

  void initFrom(double[] logThetaInit, double[] logPriorInit) {
    initFrom(logThetaInit, logPriorInit, null);
  }

  /**
   * Expected counts under the soft majority vote (gold one-hot), per part like a pass, merged into part 0; sets the
   * pooled prior from them. No per-item array is allocated.
   */
  private void accumulateMajorityVote(ExecutorService pool) {
    buildTiles(pool);
    Runnable[] jobs = new Runnable[parts()];
    for (int p = 0; p < jobs.length; p++) {
      final int part = p;
      jobs[p] = () -> majorityVotePart(part);
    }
    runParts(pool, jobs);
    merge();
    setPseudo(pooledCounts(counts[0]));
  }

  /** Soft majority vote of item i into {@code out[off .. off+K)}: answer shares, or one-hot on gold. */
  private void voteShares(int i, double[] out, int off) {
    final int kk = k;
    Arrays.fill(out, off, off + kk, 0.0);
    int gi = gold[i];
    if (gi >= 0) {
      out[off + gi] = 1.0;
      return;
    }
    final int[] wl = data.workerLabel;
    int from = data.itemStart[i];
    int to = data.itemStart[i + 1];
    if (kk == 2) {
      for (int a = from; a < to; a++) {
        out[off + (wl[a] & 1)] += 1.0;
      }
    } else {
      for (int a = from; a < to; a++) {
        out[off + wl[a] % kk] += 1.0;
      }
    }
    double inv = 1.0 / (to - from);
    for (int t = 0; t < kk; t++) {
      out[off + t] *= inv;
    }
  }

  private void majorityVotePart(int p) {
    final int kk = k;
    double[] c = counts[p];
    double[] cc = classCounts[p];
    Arrays.fill(c, 0.0);
    Arrays.fill(cc, 0.0);
    if (blocks != null) {
      double[] s = scratch[p];
      for (Block b : blocks[p]) {
        int n = b.to - b.from;
        for (int j = 0; j < n; j++) {
          voteShares(b.from + j, s, j * kk);
          for (int t = 0; t < kk; t++) {
            cc[t] += s[j * kk + t];
          }
        }
        addPosteriors(b.item, b.runWl, b.runEnd, s, c);
      }
      return;
    }
    final int[] wl = data.workerLabel;
    final int[] start = data.itemStart;
    double[] post = new double[kk];
    for (int i = partStart[p]; i < partStart[p + 1]; i++) {
      voteShares(i, post, 0);
      for (int a = start[i]; a < start[i + 1]; a++) {
        int b = wl[a] * kk;
        for (int t = 0; t < kk; t++) {
          c[b + t] += post[t];
        }
      }
      for (int t = 0; t < kk; t++) {
        cc[t] += post[t];
      }
    }
  }

  /** Set by {@link #run}: whether the tolerance was met before the cap. */
  boolean converged;

  /**
   * Runs EM from the current parameters until the relative change of the objective is at most the tolerance or
   * the iteration cap is hit. On return the parameters are those of the last E-step (the ones the returned
   * posteriors must be computed with).
   *
   * @return the objective (log-likelihood + log prior) per iteration
   */
  double[] run(ExecutorService pool) {
    buildTiles(pool);
    double[] trace = new double[Math.min(options.maxIterations(), 1024)];
    int t = 0;
    converged = false;
    double prev = Double.NaN;
    while (t < options.maxIterations()) {
      double ll = pass(pool) + logPriorDensity();
      if (t == trace.length) {
        trace = Arrays.copyOf(trace, trace.length * 2);
      }
      trace[t++] = ll;
      if (t > 1 && Math.abs(ll - prev) <= options.tolerance() * Math.abs(ll)) {
        converged = true;
        break;
      }
      if (t == options.maxIterations()) {
        break;
      }
      prev = ll;
      mStep();
    }
    return Arrays.copyOf(trace, t);
  }

  /** One fused E-step + statistics pass with the current parameters; returns the data log-likelihood. */
  private double pass(ExecutorService pool) {
    if (k == 2) {
      prepareBinary();
    }
    int parts = parts();
    Runnable[] jobs = new Runnable[parts];
    for (int p = 0; p < parts; p++) {
      final int part = p;
      jobs[p] = () -> passPart(part);
    }
    runParts(pool, jobs);
    double ll = 0;
    for (int p = 0; p < parts; p++) {
      ll += partLogLikelihood[p];
    }
    return ll;
  }

  private void passPart(int p) {
    double[] c = counts[p];
    Arrays.fill(c, 0.0);
    double[] cc = classCounts[p];
    Arrays.fill(cc, 0.0);
    int from = partStart[p];
    int to = partStart[p + 1];
    if (k == 2) {
      partLogLikelihood[p] = binaryBase(p) + (blocks != null ? passBinaryTiled(blocks[p], scratch[p], c, cc, null)
          : passBinary(from, to, c, cc, null));
      binaryCounts(p, c);
    } else if (blocks != null) {
      partLogLikelihood[p] = passGeneralTiled(blocks[p], scratch[p], c, cc, null);
    } else {
      partLogLikelihood[p] = passGeneral(from, to, c, cc, null);
    }
  }

  /**
   * {@link #passBinary} on the tiled layout, bit for bit the same results: per item, and per count cell, the same
   * additions in the same order (a cell is carried in a register along its run). The block scratch holds one log-odds
   * per item, then its posterior of class 1.
   */
  private double passBinaryTiled(Block[] bl, double[] s, double[] c, double[] cc, double[] posteriorOut) {
    final double[] lo = logOdds;
    final int[] g = gold;
    final double d0 = logPrior[1] - logPrior[0];
    double ll = 0;
    double product = 1.0;
    int inBatch = 0;
    double cc0 = 0;
    double cc1 = 0;
    for (Block b : bl) {
      final int n = b.to - b.from;
      final char[] it = b.item;
      final int[] rw = b.runWl;
      final int[] re = b.runEnd;
      Arrays.fill(s, 0, n, d0);
      int q = 0;
      for (int r = 0; r < rw.length; r++) {
        final double dl = lo[rw[r]];
        for (final int e = re[r]; q < e; q++) {
          s[it[q]] += dl;
        }
      }
      for (int j = 0; j < n; j++) {
        double d = s[j];
        double t0;
        double t1;
        int gi = g[b.from + j];
        if (gi < 0) {
          double e = Math.exp(-Math.abs(d));
          double inv = 1.0 / (1.0 + e);
          if (d > 0) {
            t1 = inv;
            t0 = e * inv;
            ll += d;
          } else {
            t0 = inv;
            t1 = e * inv;
          }
          product *= 1.0 + e;
          if (++inBatch == LOG_BATCH) {
            ll += Math.log(product);
            product = 1.0;
            inBatch = 0;
          }
        } else if (gi == 0) {
          t0 = 1.0;
          t1 = 0.0;
        } else {
          t0 = 0.0;
          t1 = 1.0;
          ll += d;
        }
        s[j] = t1;
        cc0 += t0;
        cc1 += t1;
        if (posteriorOut != null) {
          posteriorOut[2 * (b.from + j)] = t0;
          posteriorOut[2 * (b.from + j) + 1] = t1;
        }
      }
      if (posteriorOut != null) {
        continue;
      }
      q = 0;
      for (int r = 0; r < rw.length; r++) {
        final int cell = (rw[r] << 1) + 1;
        double a1 = c[cell];
        for (final int e = re[r]; q < e; q++) {
          a1 += s[it[q]];
        }
        c[cell] = a1;
      }
    }
    if (cc != null) {
      cc[0] += cc0;
      cc[1] += cc1;
    }
    return ll + Math.log(product);
  }

  /**
   * {@link #passGeneral} on the tiled layout; bit for bit the same results (per item and per count cell the same
   * additions in the same order). K = 3, 4 and 5 get unrolled inner loops.
   */
  private double passGeneralTiled(Block[] bl, double[] s, double[] c, double[] cc, double[] posteriorOut) {
    final double[] lt = logTheta;
    final int kk = k;
    double ll = 0;
    for (Block b : bl) {
      final int n = b.to - b.from;
      final char[] it = b.item;
      final int[] rw = b.runWl;
      final int[] re = b.runEnd;
      for (int j = 0; j < n; j++) {
        System.arraycopy(logPrior, 0, s, j * kk, kk);
      }
      addRows(it, rw, re, lt, s);
      for (int j = 0; j < n; j++) {
        int base = j * kk;
        int gi = gold[b.from + j];
        if (gi < 0) {
          double max = s[base];
          for (int t = 1; t < kk; t++) {
            max = Math.max(max, s[base + t]);
          }
          double sum = 0;
          for (int t = 0; t < kk; t++) {
            double e = Math.exp(s[base + t] - max);
            s[base + t] = e;
            sum += e;
          }
          ll += max + Math.log(sum);
          double inv = 1.0 / sum;
          for (int t = 0; t < kk; t++) {
            s[base + t] *= inv;
          }
        } else {
          ll += s[base + gi];
          Arrays.fill(s, base, base + kk, 0.0);
          s[base + gi] = 1.0;
        }
        for (int t = 0; t < kk; t++) {
          cc[t] += s[base + t];
        }
      }
      if (posteriorOut != null) {
        System.arraycopy(s, 0, posteriorOut, b.from * kk, n * kk);
        continue;
      }
      addPosteriors(it, rw, re, s, c);
    }
    return ll;
  }

  /** E-step sums of one block: {@code s[item*K + t] += logTheta[wl*K + t]} run by run. */
  private void addRows(char[] it, int[] rw, int[] re, double[] lt, double[] s) {
    final int kk = k;
    int q = 0;
    switch (kk) {
      case 3 -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] * 3;
          final double l0 = lt[row];
          final double l1 = lt[row + 1];
          final double l2 = lt[row + 2];
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] * 3;
            s[x] += l0;
            s[x + 1] += l1;
            s[x + 2] += l2;
          }
        }
      }
      case 4 -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] << 2;
          final double l0 = lt[row];
          final double l1 = lt[row + 1];
          final double l2 = lt[row + 2];
          final double l3 = lt[row + 3];
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] << 2;
            s[x] += l0;
            s[x + 1] += l1;
            s[x + 2] += l2;
            s[x + 3] += l3;
          }
        }
      }
      case 5 -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] * 5;
          final double l0 = lt[row];
          final double l1 = lt[row + 1];
          final double l2 = lt[row + 2];
          final double l3 = lt[row + 3];
          final double l4 = lt[row + 4];
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] * 5;
            s[x] += l0;
            s[x + 1] += l1;
            s[x + 2] += l2;
            s[x + 3] += l3;
            s[x + 4] += l4;
          }
        }
      }
      default -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] * kk;
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] * kk;
            for (int t = 0; t < kk; t++) {
              s[x + t] += lt[row + t];
            }
          }
        }
      }
    }
  }

  /**
   * M-step statistics of one block: {@code c[wl*K + t] += T[item*K + t]}, per cell in increasing item order (the
   * order of the item-major pass). Accumulated in registers within a run, starting from the table value.
   */
  private void addPosteriors(char[] it, int[] rw, int[] re, double[] s, double[] c) {
    final int kk = k;
    int q = 0;
    switch (kk) {
      case 3 -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] * 3;
          double a0 = c[row];
          double a1 = c[row + 1];
          double a2 = c[row + 2];
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] * 3;
            a0 += s[x];
            a1 += s[x + 1];
            a2 += s[x + 2];
          }
          c[row] = a0;
          c[row + 1] = a1;
          c[row + 2] = a2;
        }
      }
      case 4 -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] << 2;
          double a0 = c[row];
          double a1 = c[row + 1];
          double a2 = c[row + 2];
          double a3 = c[row + 3];
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] << 2;
            a0 += s[x];
            a1 += s[x + 1];
            a2 += s[x + 2];
            a3 += s[x + 3];
          }
          c[row] = a0;
          c[row + 1] = a1;
          c[row + 2] = a2;
          c[row + 3] = a3;
        }
      }
      case 5 -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] * 5;
          double a0 = c[row];
          double a1 = c[row + 1];
          double a2 = c[row + 2];
          double a3 = c[row + 3];
          double a4 = c[row + 4];
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] * 5;
            a0 += s[x];
            a1 += s[x + 1];
            a2 += s[x + 2];
            a3 += s[x + 3];
            a4 += s[x + 4];
          }
          c[row] = a0;
          c[row + 1] = a1;
          c[row + 2] = a2;
          c[row + 3] = a3;
          c[row + 4] = a4;
        }
      }
      default -> {
        for (int r = 0; r < rw.length; r++) {
          final int row = rw[r] * kk;
          for (final int e = re[r]; q < e; q++) {
            int x = it[q] * kk;
            for (int t = 0; t < kk; t++) {
              c[row + t] += s[x + t];
            }
          }
        }
      }
    }
  }

  /**
   * K = 2 kernel on log-odds: one table read and one addition per answer in the E-step, one in the M-step, one exp per
   * item. An item's log-odds d = s1 - s0 is the prior's plus each answer row's {@code logOdds}; its posterior of
   * class 1 is the logistic of d, written so that exp never overflows. Its log-likelihood log(e^s0 + e^s1) is s0 +
   * max(d, 0) + log(1 + e) with e = exp(-|d|) in (0, 1]: the s0 parts are summed per answer row by {@link
   * #binaryBase}, and the factors (1 + e) &lt;= 2 are multiplied up and their log taken once per {@link #LOG_BATCH}
   * items (2^512 cannot overflow), which takes the log off the per-item path. The M-step adds the posterior of class
   * 1 to its cell; {@link #binaryCounts} gives class 0 its row's answers minus that. If {@code posteriorOut} is
   * non-null, posteriors are written there instead of accumulating statistics.
   */
  private double passBinary(int from, int to, double[] c, double[] cc, double[] posteriorOut) {
    final int[] wl = data.workerLabel;
    final int[] start = data.itemStart;
    final int[] g = gold;
    final double[] lo = logOdds;
    final double d0 = logPrior[1] - logPrior[0];
    double ll = 0;
    double product = 1.0;
    int inBatch = 0;
    double cc0 = 0;
    double cc1 = 0;
    int a0 = start[from];
    for (int i = from; i < to; i++) {
      final int a1 = start[i + 1];
      double d = d0;
      for (int a = a0; a < a1; a++) {
        d += lo[wl[a]];
      }
      double t0;
      double t1;
      int gi = g[i];
      if (gi < 0) {
        double e = Math.exp(-Math.abs(d));
        double inv = 1.0 / (1.0 + e);
        if (d > 0) {
          t1 = inv;
          t0 = e * inv;
          ll += d;
        } else {
          t0 = inv;
          t1 = e * inv;
        }
        product *= 1.0 + e;
        if (++inBatch == LOG_BATCH) {
          ll += Math.log(product);
          product = 1.0;
          inBatch = 0;
        }
      } else if (gi == 0) {
        t0 = 1.0;
        t1 = 0.0;
      } else {
        t0 = 0.0;
        t1 = 1.0;
        ll += d;
      }
      if (posteriorOut != null) {
        posteriorOut[2 * i] = t0;
        posteriorOut[2 * i + 1] = t1;
      } else {
        for (int a = a0; a < a1; a++) {
          c[(wl[a] << 1) + 1] += t1;
        }
      }
      cc0 += t0;
      cc1 += t1;
      a0 = a1;
    }
    if (cc != null) {
      cc[0] += cc0;
      cc[1] += cc1;
    }
    return ll + Math.log(product);
  }

  /** K = 2: per answer row {@code wl}, log theta(label | 1) - log theta(label | 0); set before every pass. */
  private double[] logOdds;
  /** K = 2: per part, the answers per answer row {@code wl} (fixed for the data). */
  private double[][] rowAnswers;

  /** K = 2: the log-odds of every answer row from the current parameters, and the row counts on first use. */
  private void prepareBinary() {
    final int rows = workers * 2;
    if (logOdds == null) {
      logOdds = new double[rows];
      rowAnswers = new double[parts()][rows];
      final int[] wl = data.workerLabel;
      final int[] start = data.itemStart;
      for (int p = 0; p < parts(); p++) {
        double[] ra = rowAnswers[p];
        for (int a = start[partStart[p]]; a < start[partStart[p + 1]]; a++) {
          ra[wl[a]] += 1.0;
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      logOdds[r] = logTheta[2 * r + 1] - logTheta[2 * r];
    }
  }

  /**
   * K = 2: the part of a part's log-likelihood that does not depend on the posteriors, the sum over its items of
   * s0 = log prior(0) + the answers' log theta(label | 0), summed per answer row.
   */
  private double binaryBase(int p) {
    final double[] ra = rowAnswers[p];
    double base = (partStart[p + 1] - partStart[p]) * logPrior[0];
    for (int r = 0; r < ra.length; r++) {
      if (ra[r] != 0) {
        base += ra[r] * logTheta[2 * r];
      }
    }
    return base;
  }

  /**
   * K = 2: class 0's expected counts of a part, its row's answers minus class 1's (each answer's two posteriors sum
   * to one); never below 0.
   */
  private void binaryCounts(int p, double[] c) {
    final double[] ra = rowAnswers[p];
    for (int r = 0; r < ra.length; r++) {
      c[2 * r] = Math.max(0.0, ra[r] - c[2 * r + 1]);
    }
  }

  static final int LOG_BATCH = 512;

  /**
   * Any K. If {@code posteriorOut} is non-null the posteriors are written there ({@code [i*K+k]}) and no statistics
   * are accumulated.
   */
  private double passGeneral(int from, int to, double[] c, double[] cc, double[] posteriorOut) {
    final int[] wl = data.workerLabel;
    final int[] start = data.itemStart;
    final double[] lt = logTheta;
    final int kk = k;
    double[] s = new double[kk];
    double ll = 0;
    for (int i = from; i < to; i++) {
      System.arraycopy(logPrior, 0, s, 0, kk);
      int a0 = start[i];
      int a1 = start[i + 1];
      for (int a = a0; a < a1; a++) {
        int b = wl[a] * kk;
        for (int t = 0; t < kk; t++) {
          s[t] += lt[b + t];
        }
      }
      int gi = gold[i];
      if (gi < 0) {
        double max = s[0];
        for (int t = 1; t < kk; t++) {
          max = Math.max(max, s[t]);
        }
        double sum = 0;
        for (int t = 0; t < kk; t++) {
          double e = Math.exp(s[t] - max);
          s[t] = e;
          sum += e;
        }
        ll += max + Math.log(sum);
        double inv = 1.0 / sum;
        for (int t = 0; t < kk; t++) {
          s[t] *= inv;
        }
      } else {
        ll += s[gi];
        Arrays.fill(s, 0.0);
        s[gi] = 1.0;
      }
      if (posteriorOut != null) {
        System.arraycopy(s, 0, posteriorOut, i * kk, kk);
        continue;
      }
      for (int a = a0; a < a1; a++) {
        int b = wl[a] * kk;
        for (int t = 0; t < kk; t++) {
          c[b + t] += s[t];
        }
      }
      for (int t = 0; t < kk; t++) {
        cc[t] += s[t];
      }
    }
    return ll;
  }

  /** Posteriors of all items under the current parameters. */
  double[] posteriors(ExecutorService pool) {
    double[] post = new double[data.items() * k];
    Runnable[] parts = new Runnable[parts()];
    buildTiles(pool);
    if (k == 2) {
      prepareBinary();
    }
    for (int p = 0; p < parts.length; p++) {
      int from = partStart[p];
      int to = partStart[p + 1];
      if (blocks != null) {
        Block[] bl = blocks[p];
        double[] sc = scratch[p];
        double[] cc = new double[k];
        parts[p] = k == 2 ? () -> passBinaryTiled(bl, sc, null, null, post)
            : () -> passGeneralTiled(bl, sc, null, cc, post);
      } else {
        parts[p] = k == 2 ? () -> passBinary(from, to, null, null, post)
            : () -> passGeneral(from, to, null, null, post);
      }
    }
    runParts(pool, parts);
    return post;
  }

  private static void runParts(ExecutorService pool, Runnable[] parts) {
    if (parts.length == 1 || pool == null) {
      for (Runnable r : parts) {
        r.run();
      }
      return;
    }
    Future<?>[] fs = new Future<?>[parts.length];
    for (int p = 0; p < parts.length; p++) {
      fs[p] = pool.submit(parts[p]);
    }
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /** Merges the per-part statistics (in part order) and re-estimates the parameters. */
  void mStep() {
    merge();
    estimate();
  }

  /** Adds the statistics of parts 1.. to part 0, in part order. */
  private void merge() {
    double[] c = counts[0];
    double[] cc = classCounts[0];
    for (int p = 1; p < parts(); p++) {
      double[] cp = counts[p];
      for (int x = 0; x < c.length; x++) {
        c[x] += cp[x];
      }
      for (int t = 0; t < k; t++) {
        cc[t] += classCounts[p][t];
      }
    }
  }

  /** Parameters from the merged statistics in part 0. */
  private void estimate() {
    estimateTheta(counts[0]);
    estimatePriors(classCounts[0]);
  }

  /**
   * Dirichlet pseudo-counts per confusion cell, answer-major {@code [answer * K + truth]}: {@code smoothing} on every
   * cell, {@code diagonal} more on the diagonal, plus {@code pooled} times the pooled confusion matrix of all workers
   * under the initial (majority-vote) posteriors. The pooled part shrinks a sparse worker towards the crowd's
   * typical confusion rather than towards an arbitrary one; it is fixed after the start so that the objective (and
   * the monotonicity of EM) is well defined.
   */
  final double[] pseudo;

  private void setPseudo(double[] pooledCounts) {
    final int kk = k;
    for (int t = 0; t < kk; t++) {
      double rowSum = 0;
      if (pooledCounts != null) {
        for (int l = 0; l < kk; l++) {
          rowSum += pooledCounts[l * kk + t];
        }
      }
      for (int l = 0; l < kk; l++) {
        double v = options.smoothing() + (l == t ? options.diagonal() : 0.0);
        if (options.pooled() > 0 && rowSum > 0) {
          v += options.pooled() * pooledCounts[l * kk + t] / rowSum;
        }
        pseudo[l * kk + t] = v;
      }
    }
  }

  /** Sum over workers of the expected counts, {@code [answer * K + truth]}. */
  private double[] pooledCounts(double[] c) {
    final int kk = k;
    double[] pooled = new double[kk * kk];
    for (int w = 0; w < workers; w++) {
      int wb = w * kk * kk;
      for (int x = 0; x < kk * kk; x++) {
        pooled[x] += c[wb + x];
      }
    }
    return pooled;
  }

  private void estimateTheta(double[] c) {
    final int kk = k;
    final double[] ps = pseudo;
    if (kk == 1) {
      Arrays.fill(logTheta, 0.0);
      return;
    }
    switch (options.model()) {
      case FULL -> {
        for (int w = 0; w < workers; w++) {
          int wb = w * kk * kk;
          for (int t = 0; t < kk; t++) {
            double row = 0;
            for (int l = 0; l < kk; l++) {
              row += c[wb + l * kk + t] + ps[l * kk + t];
            }
            for (int l = 0; l < kk; l++) {
              // a row with no evidence and no prior stays uniform instead of 0/0
              double v = row > 0 ? (c[wb + l * kk + t] + ps[l * kk + t]) / row : 1.0 / kk;
              logTheta[wb + l * kk + t] = safeLog(v);
            }
          }
        }
      }
      case CLASS_ONE_COIN -> {
        for (int w = 0; w < workers; w++) {
          int wb = w * kk * kk;
          for (int t = 0; t < kk; t++) {
            double row = 0;
            for (int l = 0; l < kk; l++) {
              row += c[wb + l * kk + t] + ps[l * kk + t];
            }
            double p = row > 0 ? (c[wb + t * kk + t] + ps[t * kk + t]) / row : 1.0 / kk;
            setCoin(wb, t, p);
          }
        }
      }
      case ONE_COIN -> {
        for (int w = 0; w < workers; w++) {
          int wb = w * kk * kk;
          double right = 0;
          double all = 0;
          for (int t = 0; t < kk; t++) {
            for (int l = 0; l < kk; l++) {
              double v = c[wb + l * kk + t] + ps[l * kk + t];
              all += v;
              if (l == t) {
                right += v;
              }
            }
          }
          double p = all > 0 ? right / all : 1.0 / kk;
          for (int t = 0; t < kk; t++) {
            setCoin(wb, t, p);
          }
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  private void setCoin(int wb, int t, double p) {
    double lp = safeLog(p);
    double lq = safeLog((1.0 - p) / (k - 1));
    for (int l = 0; l < k; l++) {
      logTheta[wb + l * k + t] = l == t ? lp : lq;
    }
  }

  private void estimatePriors(double[] cc) {
    if (!options.estimatePriors()) {
      double[] fixed = options.fixedPriors();
      for (int t = 0; t < k; t++) {
        logPrior[t] = fixed == null || fixed.length != k ? -Math.log(k) : safeLog(fixed[t]);
      }
      return;
    }
    double g = options.priorSmoothing();
    double total = k * g;
    for (int t = 0; t < k; t++) {
      total += cc[t];
    }
    for (int t = 0; t < k; t++) {
      logPrior[t] = total > 0 ? safeLog((cc[t] + g) / total) : -Math.log(k);
    }
  }

  static double safeLog(double p) {
    // p >= floor is false for NaN too, so a NaN can never leak into the logs
    return Math.log(p >= EmOptions.MIN_PROBABILITY ? p : EmOptions.MIN_PROBABILITY);
  }

  /**
   * Log density (up to a constant) of the Dirichlet priors at the current parameters: with it the traced objective
   * is the MAP objective that EM increases monotonically.
   */
  private double logPriorDensity() {
    double lp = 0;
    for (int w = 0; w < workers; w++) {
      int wb = w * k * k;
      for (int x = 0; x < k * k; x++) {
        if (pseudo[x] != 0) {
          lp += pseudo[x] * logTheta[wb + x];
        }
      }
    }
    if (options.estimatePriors() && options.priorSmoothing() > 0) {
      for (int t = 0; t < k; t++) {
        lp += options.priorSmoothing() * logPrior[t];
      }
    }
    return lp;
  }

  /** Confusion matrices in the public layout {@code [(w*K+truth)*K+answer]}. */
  double[] confusion() {
    double[] m = new double[workers * k * k];
    for (int w = 0; w < workers; w++) {
      int wb = w * k * k;
      for (int l = 0; l < k; l++) {
        for (int t = 0; t < k; t++) {
          m[wb + t * k + l] = Math.exp(logTheta[wb + l * k + t]);
        }
      }
    }
    return m;
  }

  double[] priors() {
    double[] p = new double[k];
    for (int t = 0; t < k; t++) {
      p[t] = Math.exp(logPrior[t]);
    }
    return p;
  }

  /** A pool for the parts, or null when one part (or one thread) suffices. Caller shuts it down. */
  static ExecutorService pool(int parts, int threadsOption) {
    int cores = Runtime.getRuntime().availableProcessors();
    int threads = Math.min(parts, threadsOption == 0 ? cores : Math.min(threadsOption, cores));
    if (threads <= 1) {
      return null;
    }
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "goldfinch-em");
      t.setDaemon(true);
      return t;
    });
  }
}
