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

    private PosteriorWriter() {
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
