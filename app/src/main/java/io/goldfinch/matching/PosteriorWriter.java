package io.goldfinch.matching;

import io.goldfinch.common.Db;
import io.goldfinch.common.GroupCall;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores items' online posteriors with group commit ({@link GroupCall}): the posteriors that arrive while a group
 * commits are stored together by the next one. Once {@link #write} returns, the posterior is committed.
 *
 * <p>Each row is written only if it has seen at least as many answers as the stored one (posterior_answers), so of
 * two writes for one item the newer wins, in a group or across groups. Rows are written in item order, so two
 * groups never wait for each other's row locks in a cycle.
 */
@Singleton
public final class PosteriorWriter {

    /** One item's new posterior and its dynamic-overlap decision. */
    public record Posterior(long itemId, String label, double confidence, int answers, boolean close, Instant at) {
    }

    private final Db db;
    private final GroupCall<Posterior, Void> calls;

    public PosteriorWriter(Db db) {
        this.db = db;
        this.calls = new GroupCall<>("posterior-writer", 512, group -> {
            store(group);
            return java.util.Collections.<Void>nCopies(group.size(), null);
        }, one -> {
            store(List.of(one));
            return null;
        });
    }

    /** Stores the posterior (or a newer one already stored) and returns once it is committed. */
    public void write(Posterior posterior) {
        calls.call(posterior);
    }

    /** One UPDATE for the group: per item the write with the most answers, in item order. */
    private void store(List<Posterior> group) {
        Map<Long, Posterior> newest = new LinkedHashMap<>();
        for (Posterior p : group) {
            newest.merge(p.itemId(), p, (a, b) -> b.answers() >= a.answers() ? b : a);
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
        db.tx(c -> {
            java.sql.Array idArray = c.createArrayOf("bigint", ids);
            // Row locks in item order, as groups of leases and answers take them.
            Db.list(c, rs -> null, "SELECT 1 FROM item WHERE id = ANY (?) ORDER BY id FOR NO KEY UPDATE", idArray);
            return Db.update(c, "UPDATE item i SET posterior_label = w.label, posterior_confidence = w.confidence, "
                            + "posterior_answers = w.answers, closed_at = CASE WHEN w.close THEN COALESCE(i.closed_at, w.at) ELSE i.closed_at END "
                            + "FROM unnest(?::bigint[], ?::text[], ?::float8[], ?::int[], ?::boolean[], ?::timestamptz[]) "
                            + "AS w(id, label, confidence, answers, close, at) WHERE i.id = w.id AND i.posterior_answers <= w.answers",
                    idArray, c.createArrayOf("text", labels), c.createArrayOf("float8", confidences), c.createArrayOf("int4", answers),
                    c.createArrayOf("bool", close), c.createArrayOf("timestamptz", at));
        });
    }

    @PreDestroy
    void stop() {
        calls.close();
    }
}
