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
  void initFromMajorityVote() {
    accumulateMajorityVote();
    mStep();
  }

  /**
   * Warm start: parameters from a previous fit. The pooled part of the prior still comes from the majority vote of
   * this data, so a warm and a cold fit optimise the same objective.
   */
  void initFrom(double[] logThetaInit, double[] logPriorInit) {
    if (options.pooled() > 0) {
      accumulateMajorityVote();
    }
    System.arraycopy(logThetaInit, 0, logTheta, 0, logTheta.length);
    System.arraycopy(logPriorInit, 0, logPrior, 0, k);
  }

  /** Expected counts under the soft majority vote into part 0 (others zeroed); sets the pooled prior from them. */
  private void accumulateMajorityVote() {
    double[] post = MajorityVote.votes(data, gold);
    double[] c = counts[0];
    double[] cc = classCounts[0];
    for (int p = 1; p < parts(); p++) {
      Arrays.fill(counts[p], 0.0);
      Arrays.fill(classCounts[p], 0.0);
    }
    Arrays.fill(c, 0.0);
    Arrays.fill(cc, 0.0);
    int[] wl = data.workerLabel;
    int[] start = data.itemStart;
    for (int i = 0; i < data.items(); i++) {
      int base = i * k;
      for (int a = start[i]; a < start[i + 1]; a++) {
        int b = wl[a] * k;
        for (int t = 0; t < k; t++) {
          c[b + t] += post[base + t];
        }
      }
      for (int t = 0; t < k; t++) {
        cc[t] += post[base + t];
      }
    }
    setPseudo(pooledCounts(c));
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
    partLogLikelihood[p] = k == 2 ? passBinary(from, to, c, cc, null) : passGeneral(from, to, c, cc, null);
  }

  /**
   * K = 2 kernel: two logs per answer, one exp per item. Posterior of class 1 is the logistic of the log-odds
   * d = s1 - s0, written so that exp never overflows. The log-likelihood needs log(1 + e) per item with e in
   * (0, 1]; the factors (1 + e) &lt;= 2 are multiplied up and their log taken once per {@link #LOG_BATCH} items (2^512
   * cannot overflow), which takes the log off the per-item path. If {@code posteriorOut} is non-null, posteriors
   * are written there instead of accumulating statistics.
   */
  private double passBinary(int from, int to, double[] c, double[] cc, double[] posteriorOut) {
    final int[] wl = data.workerLabel;
    final int[] start = data.itemStart;
    final int[] g = gold;
    final double[] lt = logTheta;
    final double lp0 = logPrior[0];
    final double lp1 = logPrior[1];
    double ll = 0;
    double product = 1.0;
    int inBatch = 0;
    double cc0 = 0;
    double cc1 = 0;
    int a0 = start[from];
    for (int i = from; i < to; i++) {
      final int a1 = start[i + 1];
      double s0 = lp0;
      double s1 = lp1;
      for (int a = a0; a < a1; a++) {
        int b = wl[a] << 1;
        s0 += lt[b];
        s1 += lt[b + 1];
      }
      double t0;
      double t1;
      int gi = g[i];
      if (gi < 0) {
        double d = s1 - s0;
        double e = Math.exp(-Math.abs(d));
        double inv = 1.0 / (1.0 + e);
        if (d > 0) {
          t1 = inv;
          t0 = e * inv;
          ll += s1;
        } else {
          t0 = inv;
          t1 = e * inv;
          ll += s0;
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
        ll += s0;
      } else {
        t0 = 0.0;
        t1 = 1.0;
        ll += s1;
      }
      if (posteriorOut != null) {
        posteriorOut[2 * i] = t0;
        posteriorOut[2 * i + 1] = t1;
      } else {
        for (int a = a0; a < a1; a++) {
          int b = wl[a] << 1;
          c[b] += t0;
          c[b + 1] += t1;
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
    for (int p = 0; p < parts.length; p++) {
      int from = partStart[p];
      int to = partStart[p + 1];
      parts[p] = k == 2 ? () -> passBinary(from, to, null, null, post) : () -> passGeneral(from, to, null, null, post);
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
    estimateTheta(c);
    estimatePriors(cc);
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
