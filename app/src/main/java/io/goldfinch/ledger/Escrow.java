package io.goldfinch.ledger;

import io.goldfinch.common.Db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/** What a job's escrow must still pay for, read from PostgreSQL. */
public final class Escrow {

    private Escrow() {
    }

    /**
     * The tasks a job has committed to: leased and submitted work (other than {@code except}, which may be null), and,
     * while it runs, the answers its open items may still buy and the gold tasks left in its budget (a cancelled or
     * expired job buys no more).
     */
    public static long committedTasks(Connection c, long jobId, UUID except) throws SQLException {
        return Db.scalarLong(c, "SELECT "
                        + "(SELECT count(*) FROM assignment WHERE job_id = ? AND status IN ('LEASED', 'SUBMITTED') AND id IS DISTINCT FROM ?) "
                        + "+ (SELECT COALESCE(SUM(GREATEST(0, j.overlap_max - (SELECT count(*) FROM assignment a WHERE a.item_id = i.id "
                        + "     AND a.status IN ('LEASED', 'SUBMITTED', 'ACCEPTED', 'REJECTED')))), 0) "
                        + "   FROM item i JOIN job j ON j.id = i.job_id WHERE i.job_id = ? AND NOT i.is_gold AND i.closed_at IS NULL "
                        + "   AND j.status NOT IN ('CANCELLED', 'EXPIRED')) "
                        + "+ COALESCE((SELECT GREATEST(0, gold_task_budget - (SELECT count(*) FROM assignment WHERE job_id = ? AND is_gold "
                        + "     AND status IN ('LEASED', 'SUBMITTED', 'ACCEPTED', 'REJECTED'))) FROM job WHERE id = ? AND status NOT IN ('CANCELLED', 'EXPIRED')), 0)",
                jobId, except, jobId, jobId, jobId);
    }

    /** What the job's leased and submitted tasks may still cost: their rewards and fees, as leased. */
    public static long inFlightMinor(Connection c, long jobId) throws SQLException {
        return Db.scalarLong(c, "SELECT COALESCE(SUM(reward_minor + fee_minor), 0) FROM assignment "
                + "WHERE job_id = ? AND status IN ('LEASED', 'SUBMITTED')", jobId);
    }
}
