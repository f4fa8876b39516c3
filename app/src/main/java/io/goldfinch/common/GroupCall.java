package io.goldfinch.common;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Group execution of one kind of database call (group commit). Callers queue their input and wait; a group thread takes
 * everything queued meanwhile and runs it as one call in one transaction, then hands each caller its own result.
 * Alone, a caller waits for its own call only; under load, hundreds share a round trip, a transaction and a WAL flush.
 * The caller sees exactly what a call of its own would have given: if a group fails, each of its inputs is run again
 * on its own, so one bad input (or a deadlock) costs its group only a retry, and each caller gets its own result or
 * error.
 *
 * <p>With a meter registry it reports, per name: {@code goldfinch.group.wait} (from a caller's arrival to the start of
 * the group that runs it), {@code goldfinch.group.run} (one group's call and commit) and {@code goldfinch.group.size}
 * (callers per group) — what a caller's latency is made of, besides the request's own work.
 *
 * @param <I> one caller's input
 * @param <O> one caller's result
 */
public final class GroupCall<I, O> implements AutoCloseable {

    /** Runs a whole group; returns one result per input, in input order. */
    @FunctionalInterface
    public interface Group<I, O> {
        List<O> run(List<I> inputs);
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCall.class);

    private record Pending<I, O>(I input, CompletableFuture<O> result, long queuedAt) {
    }

    private final String name;
    private final int maxGroup;
    private final Group<I, O> group;
    private final Function<I, O> single;
    private final LinkedBlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private final Timer waitTimer;
    private final Timer runTimer;
    private final DistributionSummary sizes;

    /**
     * @param threads how many groups may run at once (each on its own connection); with two, a group forms and starts
     *                while the previous one still waits for its commit
     * @param group   runs a group of inputs as one call
     * @param single  runs one input alone (the fallback when a group fails)
     */
    public GroupCall(String name, int maxGroup, int threads, Group<I, O> group, Function<I, O> single) {
        this(name, maxGroup, threads, group, single, null);
    }

    /** As above, reporting waits, group run times and group sizes to {@code metrics} (tag {@code name}) when not null. */
    public GroupCall(String name, int maxGroup, int threads, Group<I, O> group, Function<I, O> single, MeterRegistry metrics) {
        this.name = name;
        this.waitTimer = metrics == null ? null : Timer.builder("goldfinch.group.wait").tag("name", name)
                .description("from a caller's arrival to the start of its group").publishPercentiles(0.5, 0.99).register(metrics);
        this.runTimer = metrics == null ? null : Timer.builder("goldfinch.group.run").tag("name", name)
                .description("one group's database call and commit").publishPercentiles(0.5, 0.99).register(metrics);
        this.sizes = metrics == null ? null : DistributionSummary.builder("goldfinch.group.size").tag("name", name)
                .description("callers per group").publishPercentiles(0.5, 0.99).register(metrics);
        this.maxGroup = maxGroup;
        this.group = group;
        this.single = single;
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(this::loop, threads == 1 ? name : name + "-" + t);
            thread.setDaemon(true);
            thread.start();
            this.threads.add(thread);
        }
    }

    /** Runs the input with whatever else is queued, and returns its result once the group has committed. */
    public O call(I input) {
        if (!running) {
            throw new IllegalStateException(name + " is shut down");
        }
        CompletableFuture<O> result = new CompletableFuture<>();
        queue.add(new Pending<>(input, result, System.nanoTime()));
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " took more than 60 s", e);
        }
    }

    /** Callers waiting for a group to start. */
    public int queued() {
        return queue.size();
    }

    private void loop() {
        List<Pending<I, O>> pending = new ArrayList<>(maxGroup);
        while (running) {
            try {
                Pending<I, O> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                pending.add(first);
                queue.drainTo(pending, maxGroup - 1);
                long start = System.nanoTime();
                if (waitTimer != null) {
                    pending.forEach(p -> waitTimer.record(start - p.queuedAt(), TimeUnit.NANOSECONDS));
                    sizes.record(pending.size());
                }
                runGroup(pending);
                if (runTimer != null) {
                    runTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                LOG.error("{}: unexpected failure", name, e);
                pending.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                pending.clear();
            }
        }
        Pending<I, O> p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(new IllegalStateException(name + " is shut down"));
        }
    }

    private void runGroup(List<Pending<I, O>> pending) {
        if (pending.size() > 1) {
            List<O> results;
            try {
                results = group.run(pending.stream().map(Pending::input).toList());
            } catch (RuntimeException e) {
                LOG.debug("{}: a group of {} failed ({}); running each alone", name, pending.size(), e.toString());
                results = null;
            }
            if (results != null) {
                if (results.size() != pending.size()) {
                    throw new IllegalStateException(name + ": " + results.size() + " results for " + pending.size() + " inputs");
                }
                for (int i = 0; i < results.size(); i++) {
                    pending.get(i).result().complete(results.get(i));
                }
                return;
            }
        }
        for (Pending<I, O> p : pending) {
            try {
                p.result().complete(single.apply(p.input()));
            } catch (RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            for (Thread thread : threads) {
                thread.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
