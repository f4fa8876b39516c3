package io.goldfinch.matching;

import io.goldfinch.common.Db;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stores items' online posteriors with group commit. A submission queues its item's new posterior and waits; one
 * writer thread stores everything queued meanwhile in one statement and one commit, then releases the waiters. Alone,
 * a submission waits for its own write only; under load, hundreds of submissions share a round trip and a WAL flush
 * instead of paying one each. Once {@link #write} returns, the posterior is committed, as before.
 *
 * <p>Each row is written only if it has seen at least as many answers as the stored one (posterior_answers), so of
 * two writes for one item the newer wins, in a group or across groups. Rows are written in item order, so two
 * groups never wait for each other's row locks in a cycle.
 */
@Singleton
public final class PosteriorWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PosteriorWriter.class);
    private static final int MAX_GROUP = 512;

    /** One item's new posterior and its dynamic-overlap decision. */
    public record Posterior(long itemId, String label, double confidence, int answers, boolean close, Instant at) {
    }

    private record Pending(Posterior posterior, CompletableFuture<Void> done) {
    }

    private final Db db;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    public PosteriorWriter(Db db) {
        this.db = db;
        this.thread = new Thread(this::loop, "posterior-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stores the posterior (or a newer one already stored) and returns once it is committed. */
    public void write(Posterior posterior) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Pending(posterior, done));
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a posterior", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("storing a posterior took more than 30 s", e);
        }
    }

    private void loop() {
        List<Pending> group = new ArrayList<>(MAX_GROUP);
        while (running) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                store(group);
                group.forEach(p -> p.done().complete(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("storing {} posteriors failed: {}", group.size(), e.toString());
                group.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
    }

    /** One UPDATE for the group: per item the write with the most answers, in item order. */
    private void store(List<Pending> group) {
        Map<Long, Posterior> newest = new LinkedHashMap<>();
        for (Pending p : group) {
            newest.merge(p.posterior().itemId(), p.posterior(), (a, b) -> b.answers() >= a.answers() ? b : a);
        }
        List<Posterior> rows = new ArrayList<>(newest.values());
        rows.sort(Comparator.comparingLong(Posterior::itemId));
        int n = rows.size();
        Long[] ids = new Long[n];
        String[] labels = new String[n];
        Double[] confidences = new Double[n];
        Integer[] answers = new Integer[n];
        Boolean[] close = new Boolean[n];
        Timestamp[] at = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            Posterior p = rows.get(i);
            ids[i] = p.itemId();
            labels[i] = p.label();
            confidences[i] = p.confidence();
            answers[i] = p.answers();
            close[i] = p.close();
            at[i] = Timestamp.from(p.at());
        }
        db.autocommit(c -> Db.update(c, "UPDATE item i SET posterior_label = w.label, posterior_confidence = w.confidence, "
                        + "posterior_answers = w.answers, closed_at = CASE WHEN w.close THEN COALESCE(i.closed_at, w.at) ELSE i.closed_at END "
                        + "FROM unnest(?::bigint[], ?::text[], ?::float8[], ?::int[], ?::boolean[], ?::timestamptz[]) "
                        + "AS w(id, label, confidence, answers, close, at) WHERE i.id = w.id AND i.posterior_answers <= w.answers",
                c.createArrayOf("bigint", ids), c.createArrayOf("text", labels), c.createArrayOf("float8", confidences),
                c.createArrayOf("int4", answers), c.createArrayOf("bool", close), c.createArrayOf("timestamptz", at)));
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(new IllegalStateException("shutting down"));
        }
    }
}
