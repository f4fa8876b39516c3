package io.goldfinch.matching;

import io.goldfinch.common.Db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Answer times for the speed limit, kept only in jobs that have one ({@code worker_job_pace}): an answer there adds
 * its time from lease to answer, switching a limit on adds the job's answers so far, and a claim reads the worker's
 * latest. Jobs without a limit pay nothing.
 */
public final class Pace {

    private static final String TIMES = "SELECT id, job_id, worker_id, submitted_at, GREATEST(0, extract(epoch FROM submitted_at - leased_at))::float8 "
            + "FROM assignment WHERE submitted_at IS NOT NULL AND status IN ('SUBMITTED','ACCEPTED','REJECTED') ";

    private Pace() {
    }

    /** Records one stored answer's time; a repeat is a no-op. */
    static void record(Connection c, UUID assignmentId) throws SQLException {
        Db.update(c, "INSERT INTO worker_job_pace (assignment_id, job_id, worker_id, answered_at, seconds) " + TIMES + "AND id = ? "
                + "ON CONFLICT (assignment_id) DO NOTHING", assignmentId);
    }

    /** Records the times of every answer the job has so far (a limit switched on); those already kept stay. */
    public static void backfill(Connection c, long jobId) throws SQLException {
        Db.update(c, "INSERT INTO worker_job_pace (assignment_id, job_id, worker_id, answered_at, seconds) " + TIMES + "AND job_id = ? "
                + "ON CONFLICT (assignment_id) DO NOTHING", jobId);
    }

    /** The median time of the worker's latest {@code window} answers in the job; NaN while he has fewer. */
    static double recentMedian(Connection c, long jobId, long workerId, int window) throws SQLException {
        return Db.one(c, rs -> rs.getLong(1) < window ? Double.NaN : rs.getDouble(2),
                "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FROM (SELECT seconds FROM worker_job_pace "
                        + "WHERE job_id = ? AND worker_id = ? ORDER BY answered_at DESC LIMIT ?) recent", jobId, workerId, window).orElseThrow();
    }
}
