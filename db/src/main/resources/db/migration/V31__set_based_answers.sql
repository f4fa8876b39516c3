-- A group of answers (V27) in a handful of statements instead of four or five per answer: under load PostgreSQL spent
-- its time starting statements (executor start-up, re-reading the CHECK constraints of assignment for every UPDATE,
-- one plpgsql call per answer), not doing the work. Each answer gets the outcome submit_answer (V13) would give it
-- in the group's order, with one difference, by design: the answers and gold records a stored non-gold answer's item
-- reports are those after the whole group (so two answers on one item in a group both see both), not those after
-- the answers before it. The per-answer loop remains for the rare groups where order matters more: one assignment
-- twice (a retry racing itself), or one worker with two gold answers in one job (the exam count).

CREATE TYPE submit_row AS (
    idx             INT,
    outcome         TEXT,
    assignment_id   UUID,
    worker_id       BIGINT,
    label           TEXT,
    key             TEXT,
    sent_at         TIMESTAMPTZ,
    job_id          BIGINT,
    item_id         BIGINT,
    is_gold         BOOLEAN,
    labels          TEXT[],
    overlap_min     INT,
    overlap_max     INT,
    target          DOUBLE PRECISION,
    uncertainty     DOUBLE PRECISION,
    exam_size       INT,
    gold_label      TEXT,
    hint            TEXT
);

CREATE OR REPLACE FUNCTION submit_answers(p_assignment UUID[], p_worker BIGINT[], p_label TEXT[], p_key TEXT[], p_now TIMESTAMPTZ[])
    RETURNS TABLE (o_index INT, o_outcome TEXT, o_job_id BIGINT, o_item_id BIGINT, o_is_gold BOOLEAN, o_labels TEXT[],
                   o_overlap_min INT, o_overlap_max INT, o_target DOUBLE PRECISION, o_uncertainty DOUBLE PRECISION,
                   o_exam_size INT, o_gold_label TEXT, o_hint TEXT, o_correct BOOLEAN, o_exam_before BIGINT,
                   o_answer_labels TEXT[], o_answer_gold_answered BIGINT[], o_answer_gold_correct BIGINT[])
    LANGUAGE plpgsql AS $$
DECLARE
    v_n    INT := coalesce(array_length(p_assignment, 1), 0);
    v_rows submit_row[];
BEGIN
    -- The items' answer locks (why an advisory lock: V33) first, in item order, then the assignments, in id order,
    -- then (PosteriorWriter) the item rows, in item order: groups never wait on each other in a cycle.
    PERFORM pg_advisory_xact_lock(x.item_id)
       FROM (SELECT DISTINCT a.item_id FROM assignment a WHERE a.id = ANY (p_assignment) ORDER BY a.item_id) x;
    IF (SELECT count(DISTINCT x) FROM unnest(p_assignment) x) < v_n
       OR EXISTS (SELECT 1 FROM assignment a JOIN unnest(p_assignment, p_worker) g(id, worker) ON a.id = g.id AND a.worker_id = g.worker
                   WHERE a.is_gold GROUP BY a.worker_id, a.job_id HAVING count(*) > 1) THEN
        FOR i IN 1 .. v_n LOOP
            RETURN QUERY SELECT i, s.* FROM submit_answer(p_assignment[i], p_worker[i], p_label[i], p_key[i], p_now[i]) s;
        END LOOP;
        RETURN;
    END IF;
    PERFORM 1 FROM assignment WHERE id = ANY (p_assignment) ORDER BY id FOR UPDATE;

    -- Each answer's outcome, decided as submit_answer decides it.
    SELECT array_agg(ROW(g.idx::int,
               CASE WHEN a.id IS NULL THEN 'NOT_FOUND'
                    WHEN a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') THEN
                        CASE WHEN (g.key IS NOT NULL AND g.key = a.idempotency_key)
                                  OR (g.key IS NULL AND a.idempotency_key IS NULL AND g.label = a.label) THEN 'REPEAT'
                             ELSE 'ALREADY_ANSWERED' END
                    WHEN a.status IN ('RELEASED', 'EXPIRED') OR g.sent_at >= a.lease_expires_at THEN 'LEASE_EXPIRED'
                    WHEN g.label IS NULL OR NOT (g.label = ANY (j.labels)) THEN 'BAD_LABEL'
                    ELSE 'STORED' END,
               g.id, g.worker, g.label, g.key, g.sent_at, a.job_id, a.item_id, a.is_gold, j.labels, j.overlap_min,
               j.overlap_max, j.confidence_target, i.model_uncertainty, j.exam_size, i.gold_label, i.gold_hint)::submit_row
             ORDER BY g.idx)
      INTO v_rows
      FROM unnest(p_assignment, p_worker, p_label, p_key, p_now) WITH ORDINALITY AS g(id, worker, label, key, sent_at, idx)
      LEFT JOIN (assignment a JOIN job j ON j.id = a.job_id JOIN item i ON i.id = a.item_id)
             ON a.id = g.id AND a.worker_id = g.worker;

    UPDATE assignment a
       SET status = 'SUBMITTED', label = s.label, submitted_at = s.sent_at, idempotency_key = s.key,
           gold_correct = CASE WHEN s.is_gold THEN s.label = s.gold_label END
      FROM unnest(v_rows) s
     WHERE a.id = s.assignment_id AND s.outcome = 'STORED';

    -- Gold records in worker order, as the per-answer path updates them.
    INSERT INTO worker_gold_stats (worker_id, gold_answered, gold_correct)
    SELECT s.worker_id, count(*), count(*) FILTER (WHERE s.label = s.gold_label)
      FROM unnest(v_rows) s
     WHERE s.outcome = 'STORED' AND s.is_gold
     GROUP BY s.worker_id
     ORDER BY s.worker_id
        ON CONFLICT (worker_id) DO UPDATE SET gold_answered = worker_gold_stats.gold_answered + EXCLUDED.gold_answered,
                                              gold_correct = worker_gold_stats.gold_correct + EXCLUDED.gold_correct;

    RETURN QUERY
    WITH answered AS (
        SELECT a.item_id,
               array_agg(a.label ORDER BY a.submitted_at, a.id) AS labels,
               array_agg(COALESCE(w.gold_answered, 0) ORDER BY a.submitted_at, a.id) AS gold_answered,
               array_agg(COALESCE(w.gold_correct, 0) ORDER BY a.submitted_at, a.id) AS gold_correct
          FROM assignment a LEFT JOIN worker_gold_stats w ON w.worker_id = a.worker_id
         WHERE a.item_id IN (SELECT s.item_id FROM unnest(v_rows) s WHERE s.outcome = 'STORED' AND NOT s.is_gold)
           AND a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED')
         GROUP BY a.item_id
    )
    SELECT s.idx, s.outcome, s.job_id, s.item_id, s.is_gold, s.labels, s.overlap_min, s.overlap_max, s.target,
           s.uncertainty, s.exam_size,
           CASE WHEN stored AND s.is_gold THEN s.gold_label END,
           CASE WHEN stored AND s.is_gold THEN s.hint END,
           CASE WHEN stored AND s.is_gold THEN s.label = s.gold_label END,
           CASE WHEN stored AND s.is_gold AND s.exam_size > 0 THEN
                (SELECT count(*) FROM assignment e
                  WHERE e.worker_id = s.worker_id AND e.job_id = s.job_id AND e.is_gold
                    AND e.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') AND e.id <> s.assignment_id) END,
           CASE WHEN stored AND NOT s.is_gold THEN p.labels END,
           CASE WHEN stored AND NOT s.is_gold THEN p.gold_answered END,
           CASE WHEN stored AND NOT s.is_gold THEN p.gold_correct END
      FROM unnest(v_rows) s
      CROSS JOIN LATERAL (SELECT s.outcome = 'STORED' AS stored) o
      LEFT JOIN answered p ON p.item_id = s.item_id
     ORDER BY s.idx;
END $$;
