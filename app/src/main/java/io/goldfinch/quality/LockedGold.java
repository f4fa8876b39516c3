package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;

import java.sql.Connection;
import java.sql.SQLException;

/** A job's gold found by its id as uploaded, its row locked for a change (404 for no such item, 409 for a normal item). */
record LockedGold(long id, String key, boolean voided) {

    static LockedGold lock(Connection c, long jobId, String item, String ifNormal) throws SQLException {
        long id = Db.one(c, rs -> rs.getLong(1), "SELECT id FROM item WHERE job_id = ? AND external_id = ?", jobId, item)
                .orElseThrow(() -> ApiException.notFound("item"));
        lockRow(c, id);
        record Row(long id, boolean gold, String key, boolean voided) {
        }
        Row row = Db.one(c, rs -> new Row(rs.getLong(1), rs.getBoolean(2), rs.getString(3), rs.getBoolean(4)),
                        "SELECT id, is_gold, gold_label, gold_voided_at IS NOT NULL FROM item WHERE id = ?", id)
                .orElseThrow(() -> ApiException.notFound("item"));
        if (!row.gold()) {
            throw ApiException.conflict("not-a-gold", "item " + item + " is not a gold" + ifNormal);
        }
        return new LockedGold(row.id(), row.key(), row.voided());
    }

    /**
     * Locks a gold for a change that re-scores its answers: first the item's answer lock, the advisory lock that
     * submitting an answer to it takes first (V33), then its row. An answer being stored to the gold meanwhile finishes
     * first (or waits), in the order the answer path takes its locks, so the two never wait on each other in a cycle.
     */
    static void lockRow(Connection c, long itemId) throws SQLException {
        Db.one(c, rs -> rs.getObject(1), "SELECT pg_advisory_xact_lock(?)::text", itemId);
        Db.one(c, rs -> rs.getLong(1), "SELECT id FROM item WHERE id = ? FOR NO KEY UPDATE", itemId).orElseThrow();
    }
}
