package io.goldfinch.quality;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;

import java.sql.Connection;
import java.sql.SQLException;

/** A job's gold found by its id as uploaded, its row locked for a change (404 for no such item, 409 for a normal item). */
record LockedGold(long id, String key, boolean voided) {

    static LockedGold lock(Connection c, long jobId, String item, String ifNormal) throws SQLException {
        record Row(long id, boolean gold, String key, boolean voided) {
        }
        Row row = Db.one(c, rs -> new Row(rs.getLong(1), rs.getBoolean(2), rs.getString(3), rs.getBoolean(4)),
                        "SELECT id, is_gold, gold_label, gold_voided_at IS NOT NULL FROM item WHERE job_id = ? AND external_id = ? FOR NO KEY UPDATE",
                        jobId, item)
                .orElseThrow(() -> ApiException.notFound("item"));
        if (!row.gold()) {
            throw ApiException.conflict("not-a-gold", "item " + item + " is not a gold" + ifNormal);
        }
        return new LockedGold(row.id(), row.key(), row.voided());
    }
}
