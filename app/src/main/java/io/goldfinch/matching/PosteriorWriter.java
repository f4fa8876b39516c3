package io.goldfinch.matching;

import io.goldfinch.common.Db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores items' online posteriors, in the transaction of the answers they follow from ({@link AnswerStore}). Each row
 * is written only if it has seen at least as many answers as the stored one (posterior_answers), so of two writes for
 * one item the newer wins, in a group or across groups.
 */
public final class PosteriorWriter {

    /** One item's new posterior and its dynamic-overlap decision. */
    public record Posterior(long itemId, String label, double confidence, int answers, boolean close, Instant at) {
    }

    /** One gold answer's log-likelihood per label, to add to the gold's crowd evidence (quality.GoldHealth). */
    public record GoldEvidence(long itemId, double[] evidence) {
    }

    private PosteriorWriter() {
    }

    /**
     * One call for the group's gold answers (add_gold_evidence, V37): per gold the sum of its answers' evidence is added
     * to the stored one (in the row's lock, so concurrent groups add up), and posterior_answers counts the answers folded
     * in. In item order.
     */
    static void storeGolds(Connection c, List<GoldEvidence> group) throws SQLException {
        Map<Long, double[]> sums = new java.util.TreeMap<>();
        Map<Long, Integer> counts = new java.util.HashMap<>();
        for (GoldEvidence g : group) {
            double[] sum = sums.computeIfAbsent(g.itemId(), id -> new double[g.evidence().length]);
            for (int k = 0; k < sum.length; k++) {
                sum[k] += g.evidence()[k];
            }
            counts.merge(g.itemId(), 1, Integer::sum);
        }
        int n = sums.size();
        Long[] ids = new Long[n];
        Integer[] offsets = new Integer[n];
        Integer[] sizes = new Integer[n];
        Integer[] answers = new Integer[n];
        List<Double> flat = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Long, double[]> e : sums.entrySet()) {
            ids[i] = e.getKey();
            offsets[i] = flat.size();
            sizes[i] = e.getValue().length;
            answers[i] = counts.get(e.getKey());
            for (double v : e.getValue()) {
                flat.add(v);
            }
            i++;
        }
        Db.one(c, rs -> true, "SELECT add_gold_evidence(?, ?, ?, ?, ?)", c.createArrayOf("bigint", ids), c.createArrayOf("int4", offsets),
                c.createArrayOf("int4", sizes), c.createArrayOf("int4", answers), c.createArrayOf("float8", flat.toArray()));
    }

    /** One UPDATE for the group: per item the write with the most answers, in item order. */
    static void store(Connection c, List<Posterior> group) throws SQLException {
        Map<Long, Posterior> newest = new LinkedHashMap<>();
        for (Posterior p : group) {
            newest.merge(p.itemId(), p, (a, b) -> b.answers() >= a.answers() ? b : a);
        }
        List<Posterior> rows = new ArrayList<>(newest.values());
        rows.sort(Comparator.comparingLong(Posterior::itemId));
        int n = rows.size();
        if (n == 1) {
            // One item (every answer while the writer is not busy): the same write with scalar parameters. PostgreSQL
            // plans the array form again on every call (its generic plan, costed for ten rows, never beats a custom one
            // for one row): 0.2-0.4 ms of a lone answer's transaction. This one keeps its generic plan.
            Posterior p = rows.get(0);
            Db.update(c, "UPDATE item SET posterior_label = ?, posterior_confidence = ?, posterior_answers = ?, "
                            + "closed_at = CASE WHEN ? THEN COALESCE(closed_at, ?) ELSE closed_at END WHERE id = ? AND posterior_answers <= ?",
                    p.label(), p.confidence(), p.answers(), p.close(), Timestamp.from(p.at()), p.itemId(), p.answers());
            return;
        }
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
        Db.update(c, "UPDATE item i SET posterior_label = w.label, posterior_confidence = w.confidence, "
                        + "posterior_answers = w.answers, closed_at = CASE WHEN w.close THEN COALESCE(i.closed_at, w.at) ELSE i.closed_at END "
                        + "FROM unnest(?::bigint[], ?::text[], ?::float8[], ?::int[], ?::boolean[], ?::timestamptz[]) "
                        + "AS w(id, label, confidence, answers, close, at) WHERE i.id = w.id AND i.posterior_answers <= w.answers",
                c.createArrayOf("bigint", ids), c.createArrayOf("text", labels), c.createArrayOf("float8", confidences),
                c.createArrayOf("int4", answers), c.createArrayOf("bool", close), c.createArrayOf("timestamptz", at));
    }
}
