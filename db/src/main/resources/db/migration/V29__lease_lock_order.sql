-- One lock order for leases, so that two groups of leases can run at once: a job's gold-usage row (V25) before any
-- item row. claim_lease takes the usage row first for a gold claim; claim_leases takes the usage rows of all its gold
-- jobs, in job order, before its first item (its items follow in item order).
CREATE OR REPLACE FUNCTION claim_lease(p_id UUID, p_job BIGINT, p_item BIGINT, p_worker BIGINT, p_gold BOOLEAN, p_reward BIGINT,
                                       p_fee BIGINT, p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_limit BIGINT)
    RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    v_data TEXT;
    v_used BIGINT;
BEGIN
    -- A lease is rebuildable state: losing its commit in a crash is harmless, so it need not wait for the WAL flush.
    PERFORM set_config('synchronous_commit', 'off', true);
    IF p_gold THEN
        -- The usage row's lock serialises gold claims per job, so that the gold budget cannot be overrun.
        INSERT INTO job_gold_usage (job_id, used) VALUES (p_job, 0) ON CONFLICT DO NOTHING;
        SELECT used INTO v_used FROM job_gold_usage WHERE job_id = p_job FOR UPDATE;
    END IF;
    SELECT data::text INTO v_data FROM item
     WHERE id = p_item AND job_id = p_job AND is_gold = p_gold AND closed_at IS NULL FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM job WHERE id = p_job AND status = 'PUBLISHED')
       OR EXISTS (SELECT 1 FROM app_user WHERE id = p_worker AND blocked)
       OR EXISTS (SELECT 1 FROM assignment WHERE item_id = p_item AND worker_id = p_worker) THEN
        RETURN NULL;
    END IF;
    IF p_gold THEN
        IF v_used >= p_limit THEN
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

CREATE OR REPLACE FUNCTION claim_leases(p_id UUID[], p_job BIGINT[], p_item BIGINT[], p_worker BIGINT[], p_gold BOOLEAN[],
                                        p_reward BIGINT[], p_fee BIGINT[], p_now TIMESTAMPTZ[], p_expires TIMESTAMPTZ[],
                                        p_limit BIGINT[])
    RETURNS TABLE (o_index INT, o_data TEXT) LANGUAGE plpgsql AS $$
DECLARE
    v_jobs BIGINT[];
BEGIN
    SELECT array_agg(DISTINCT j ORDER BY j) INTO v_jobs
      FROM unnest(p_job, p_gold) AS g(j, gold) WHERE gold;
    IF v_jobs IS NOT NULL THEN
        INSERT INTO job_gold_usage (job_id, used) SELECT unnest(v_jobs), 0 ORDER BY 1 ON CONFLICT DO NOTHING;
        PERFORM 1 FROM job_gold_usage WHERE job_id = ANY (v_jobs) ORDER BY job_id FOR UPDATE;
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_id, 1), 0) LOOP
        o_index := i;
        o_data := claim_lease(p_id[i], p_job[i], p_item[i], p_worker[i], p_gold[i], p_reward[i], p_fee[i], p_now[i],
                              p_expires[i], p_limit[i]);
        RETURN NEXT;
    END LOOP;
END $$;
