-- A group of leases (V27, V29) in a handful of statements instead of six or seven per lease, as V31 did for answers.
-- Each lease gets what claim_lease would give it in the group's order: the item's data, or NULL when the item is
-- closed or not of this job and kind, the job is not published, the worker is blocked, the worker already has (or
-- gets earlier in the group) this item, or the item's live leases and answers (a gold's job's gold usage) including
-- those granted earlier in the group reach the limit. When one item (one job's golds) comes with different limits in
-- one group, order matters beyond a count: such a group takes the per-lease loop, kept as claim_leases_one_by_one.
--
-- Lock order, now: item rows (in item order), then gold-usage rows (in job order). The usage row was taken first
-- (V29), so a group of leases held it while it waited for item rows held by groups of answers through their WAL
-- flush, and every other group of gold leases of the job queued behind it (4.7-9 ms per group in pg_stat_statements
-- under the load benchmark). Nothing takes an item row after a usage row: releases and expiries lock assignments and
-- then, by trigger, the usage row; answers do not change gold usage.

ALTER FUNCTION claim_leases(UUID[], BIGINT[], BIGINT[], BIGINT[], BOOLEAN[], BIGINT[], BIGINT[], TIMESTAMPTZ[], TIMESTAMPTZ[], BIGINT[])
    RENAME TO claim_leases_one_by_one;

CREATE FUNCTION claim_leases(p_id UUID[], p_job BIGINT[], p_item BIGINT[], p_worker BIGINT[], p_gold BOOLEAN[],
                             p_reward BIGINT[], p_fee BIGINT[], p_now TIMESTAMPTZ[], p_expires TIMESTAMPTZ[], p_limit BIGINT[])
    RETURNS TABLE (o_index INT, o_data TEXT) LANGUAGE plpgsql AS $$
DECLARE
    v_jobs BIGINT[];
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(p_job, p_item, p_gold, p_limit) AS g(job, item, gold, lim)
                GROUP BY gold, CASE WHEN gold THEN job ELSE item END HAVING count(DISTINCT lim) > 1) THEN
        PERFORM 1 FROM item WHERE id = ANY (p_item) AND closed_at IS NULL ORDER BY id FOR NO KEY UPDATE;
        RETURN QUERY SELECT * FROM claim_leases_one_by_one(p_id, p_job, p_item, p_worker, p_gold, p_reward, p_fee, p_now,
                                                           p_expires, p_limit);
        RETURN;
    END IF;
    -- A lease is rebuildable state: losing its commit in a crash is harmless, so it need not wait for the WAL flush.
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM 1 FROM item WHERE id = ANY (p_item) AND closed_at IS NULL ORDER BY id FOR NO KEY UPDATE;
    SELECT array_agg(DISTINCT j ORDER BY j) INTO v_jobs FROM unnest(p_job, p_gold) AS g(j, gold) WHERE gold;
    IF v_jobs IS NOT NULL THEN
        INSERT INTO job_gold_usage (job_id, used) SELECT unnest(v_jobs), 0 ORDER BY 1 ON CONFLICT DO NOTHING;
        PERFORM 1 FROM job_gold_usage WHERE job_id = ANY (v_jobs) ORDER BY job_id FOR UPDATE;
    END IF;

    RETURN QUERY
    WITH g AS (
        SELECT * FROM unnest(p_id, p_job, p_item, p_worker, p_gold, p_reward, p_fee, p_now, p_expires, p_limit)
                      WITH ORDINALITY AS g(id, job, item, worker, gold, reward, fee, leased, expires, lim, idx)
    ), checked AS (
        SELECT g.*, i.data::text AS data,
               i.id IS NOT NULL
               AND EXISTS (SELECT 1 FROM job j WHERE j.id = g.job AND j.status = 'PUBLISHED')
               AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = g.worker AND u.blocked)
               AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.item_id = g.item AND a.worker_id = g.worker) AS ok
          FROM g LEFT JOIN item i ON i.id = g.item AND i.job_id = g.job AND i.is_gold = g.gold AND i.closed_at IS NULL
    ), deduped AS (
        -- a worker gets an item once: of his leases of one item in the group, the first that passes the checks
        SELECT c.*, c.ok AND row_number() OVER (PARTITION BY c.item, c.worker, c.ok ORDER BY c.idx) = 1 AS ok1
          FROM checked c
    ), counted AS (
        SELECT f.*,
               count(*) FILTER (WHERE f.ok1) OVER (PARTITION BY f.gold, CASE WHEN f.gold THEN f.job ELSE f.item END
                                                   ORDER BY f.idx) AS nth,
               CASE WHEN f.gold THEN (SELECT u.used FROM job_gold_usage u WHERE u.job_id = f.job)
                    ELSE (SELECT count(*) FROM assignment a WHERE a.item_id = f.item
                            AND a.status IN ('LEASED', 'SUBMITTED', 'ACCEPTED', 'REJECTED')) END AS live
          FROM deduped f
    ), granted AS (
        SELECT c.*, c.ok1 AND c.live + c.nth - 1 < c.lim AS yes FROM counted c
    ), stored AS (
        INSERT INTO assignment (id, job_id, item_id, worker_id, is_gold, status, reward_minor, fee_minor, leased_at, lease_expires_at)
        SELECT id, job, item, worker, gold, 'LEASED', reward, fee, leased, expires FROM granted WHERE yes ORDER BY idx
        RETURNING 1
    )
    SELECT x.idx::int, CASE WHEN x.yes THEN x.data END FROM granted x ORDER BY x.idx;
END $$;

-- One lease alone, in the same lock order: its item row, then (for a gold) its job's usage row.
CREATE OR REPLACE FUNCTION claim_lease(p_id UUID, p_job BIGINT, p_item BIGINT, p_worker BIGINT, p_gold BOOLEAN, p_reward BIGINT,
                                       p_fee BIGINT, p_now TIMESTAMPTZ, p_expires TIMESTAMPTZ, p_limit BIGINT)
    RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    v_data TEXT;
    v_used BIGINT;
BEGIN
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
        INSERT INTO job_gold_usage (job_id, used) VALUES (p_job, 0) ON CONFLICT DO NOTHING;
        SELECT used INTO v_used FROM job_gold_usage WHERE job_id = p_job FOR UPDATE;
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
