-- One round trip per lease: the checks Postgres makes on every Redis claim, under the item's row lock.
-- Returns the item's data when the lease was written, NULL when Postgres refuses it (Redis was stale).
-- Each statement in PL/pgSQL takes a fresh snapshot in READ COMMITTED, so the counts after the lock see every
-- committed lease.
CREATE FUNCTION claim_lease(p_id UUID, p_job BIGINT, p_item BIGINT, p_worker BIGINT, p_gold BOOLEAN, p_reward BIGINT,
                            p_fee BIGINT, p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_limit BIGINT)
    RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    v_data TEXT;
BEGIN
    -- A lease is rebuildable state: losing its commit in a crash is harmless, so it need not wait for the WAL flush.
    PERFORM set_config('synchronous_commit', 'off', true);
    SELECT data::text INTO v_data FROM item
     WHERE id = p_item AND job_id = p_job AND is_gold = p_gold AND closed_at IS NULL FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF p_gold THEN
        -- Serialise gold claims per job so that the gold budget cannot be overrun.
        PERFORM 1 FROM job WHERE id = p_job FOR NO KEY UPDATE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM job WHERE id = p_job AND status = 'PUBLISHED')
       OR EXISTS (SELECT 1 FROM app_user WHERE id = p_worker AND blocked)
       OR EXISTS (SELECT 1 FROM assignment WHERE item_id = p_item AND worker_id = p_worker) THEN
        RETURN NULL;
    END IF;
    IF p_gold THEN
        IF (SELECT count(*) FROM assignment WHERE job_id = p_job AND is_gold
             AND status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED')) >= p_limit THEN
            RETURN NULL;
        END IF;
    ELSIF (SELECT count(*) FROM assignment WHERE item_id = p_item
            AND status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED')) >= p_limit THEN
        RETURN NULL;
    END IF;
    INSERT INTO assignment (id, job_id, item_id, worker_id, is_gold, status, reward_minor, fee_minor, leased_at, lease_expires_at)
    VALUES (p_id, p_job, p_item, p_worker, p_gold, 'LEASED', p_reward, p_fee, p_now, p_expires);
    RETURN v_data;
END $$;

-- Worker-item lookups of every status (has this worker ever had this item?).
CREATE INDEX assignment_item_worker_all ON assignment (item_id, worker_id);
