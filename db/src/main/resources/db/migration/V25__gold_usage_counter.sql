-- Gold tasks in use per job (live gold assignments), kept by a trigger. A gold claim checks the job's gold budget
-- against this row in O(1), under this row's lock, where it used to lock the job row and count the job's gold
-- assignments: that count grew with the job (0.8 ms per gold claim after 10,000 answers in the load benchmark) and
-- the job-row lock queued every gold claim behind it.
CREATE TABLE job_gold_usage (
    job_id BIGINT PRIMARY KEY REFERENCES job (id),
    used   BIGINT NOT NULL CHECK (used >= 0)
);

INSERT INTO job_gold_usage (job_id, used)
SELECT job_id, count(*) FROM assignment
 WHERE is_gold AND status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED') GROUP BY job_id;

CREATE FUNCTION job_gold_usage_track() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    was_live BOOLEAN := TG_OP = 'UPDATE' AND OLD.status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED');
    is_live  BOOLEAN := NEW.status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED');
BEGIN
    IF was_live = is_live THEN
        RETURN NULL;
    END IF;
    INSERT INTO job_gold_usage AS u (job_id, used) VALUES (NEW.job_id, CASE WHEN is_live THEN 1 ELSE 0 END)
        ON CONFLICT (job_id) DO UPDATE SET used = u.used + CASE WHEN is_live THEN 1 ELSE -1 END;
    RETURN NULL;
END $$;

CREATE TRIGGER assignment_gold_usage AFTER INSERT OR UPDATE OF status ON assignment
    FOR EACH ROW WHEN (NEW.is_gold) EXECUTE FUNCTION job_gold_usage_track();

CREATE OR REPLACE FUNCTION claim_lease(p_id UUID, p_job BIGINT, p_item BIGINT, p_worker BIGINT, p_gold BOOLEAN, p_reward BIGINT,
                                       p_fee BIGINT, p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_limit BIGINT)
    RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    v_data TEXT;
    v_used BIGINT;
BEGIN
    -- A lease is rebuildable state: losing its commit in a crash is harmless, so it need not wait for the WAL flush.
    PERFORM set_config('synchronous_commit', 'off', true);
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
        -- The usage row's lock serialises gold claims per job, so that the gold budget cannot be overrun.
        SELECT used INTO v_used FROM job_gold_usage WHERE job_id = p_job FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO job_gold_usage (job_id, used) VALUES (p_job, 0) ON CONFLICT DO NOTHING;
            SELECT used INTO v_used FROM job_gold_usage WHERE job_id = p_job FOR UPDATE;
        END IF;
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
