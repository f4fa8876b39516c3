package io.goldfinch.review;

import io.goldfinch.common.Db;

import java.sql.Connection;
import java.sql.SQLException;

/** Measured pace of a job: the median seconds from lease to answer over its answered tasks. */
public final class PayRates {

    private PayRates() {
    }

    public static Double medianSecondsPerTask(Connection c, long jobId) throws SQLException {
        return Db.one(c, rs -> {
                    double v = rs.getDouble(1);
                    return rs.wasNull() ? null : v;
                }, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM submitted_at - leased_at)) "
                        + "FROM assignment WHERE job_id = ? AND status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED')", jobId)
                .orElse(null);
    }
}
