-- Leases written in the transaction of the answers that ask for them (an answer with ?next=true: the worker's next
-- task in the same commit as his answer, one group and one transaction where there were two of each). Locks, in one
-- pass in item order: the answered items' rows (which the answers' posteriors and gold evidence update next) and the
-- claimed items' rows, so that a group of answers with leases and a group of leases alone (claim_leases, V32: item
-- rows in item order, then gold-usage rows) never wait on each other in a cycle. The leases are then what
-- claim_leases grants; claim_leases turns synchronous_commit off for a lease's transaction (a lease is rebuildable),
-- which must not hold for answers: the setting the transaction had is restored after it.
CREATE FUNCTION claim_leases_with_answers(p_answered BIGINT[], p_id UUID[], p_job BIGINT[], p_item BIGINT[], p_worker BIGINT[],
                                          p_gold BOOLEAN[], p_reward BIGINT[], p_fee BIGINT[], p_now TIMESTAMPTZ[],
                                          p_expires TIMESTAMPTZ[], p_limit BIGINT[])
    RETURNS TABLE (o_index INT, o_data TEXT) LANGUAGE plpgsql AS $$
DECLARE
    v_sync TEXT := current_setting('synchronous_commit');
BEGIN
    PERFORM 1 FROM item WHERE id = ANY (p_answered || p_item) ORDER BY id FOR NO KEY UPDATE;
    RETURN QUERY SELECT * FROM claim_leases(p_id, p_job, p_item, p_worker, p_gold, p_reward, p_fee, p_now, p_expires, p_limit);
    PERFORM set_config('synchronous_commit', v_sync, true);
END $$;
