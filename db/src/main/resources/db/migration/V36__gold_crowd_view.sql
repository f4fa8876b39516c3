-- Gold health (quality.GoldHealth): each gold keeps the crowd's view of it, updated on every answer to it as an
-- item's posterior is: per label the summed log-likelihood of the answers (each weighed by the answering worker's gold
-- record before that answer), in crowd_evidence, and the number of answers folded in, in posterior_answers. A gold
-- that the crowd confidently labels otherwise is probably wrong; one that the crowd splits on is ambiguous.
--
-- Both answer functions now report, for a stored gold answer, its label and the worker's gold record before it (in
-- the columns that carry an item's answers for a normal one). An answer to a gold thereby also does what an answer to
-- a normal item does before it returns (read the answers' records, store the item's new view), which also evens out
-- their response times. In the group path (V31), as in the one-by-one path, "before" is before this answer in the
-- group's order (a worker may have gold answers in several jobs in one group).
-- CREATE OR REPLACE resets a function's settings: the SET of V34 is restated in each definition.

ALTER TABLE item ADD COLUMN crowd_evidence DOUBLE PRECISION[];

CREATE OR REPLACE FUNCTION submit_answer(p_assignment UUID, p_worker BIGINT, p_label TEXT, p_key TEXT, p_now TIMESTAMPTZ)
    RETURNS TABLE (o_outcome TEXT, o_job_id BIGINT, o_item_id BIGINT, o_is_gold BOOLEAN, o_labels TEXT[], o_overlap_min INT,
                   o_overlap_max INT, o_target DOUBLE PRECISION, o_uncertainty DOUBLE PRECISION, o_exam_size INT,
                   o_gold_label TEXT, o_hint TEXT, o_correct BOOLEAN, o_exam_before BIGINT, o_answer_labels TEXT[],
                   o_answer_gold_answered BIGINT[], o_answer_gold_correct BIGINT[])
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    r RECORD;
BEGIN
    SELECT a.status, a.lease_expires_at, a.label AS old_label, a.idempotency_key, a.is_gold, a.job_id, a.item_id,
           j.labels, j.overlap_min, j.overlap_max, j.confidence_target, j.exam_size, i.gold_label, i.model_uncertainty, i.gold_hint
      INTO r
      FROM assignment a JOIN job j ON j.id = a.job_id JOIN item i ON i.id = a.item_id
     WHERE a.id = p_assignment AND a.worker_id = p_worker
       FOR UPDATE OF a;
    IF NOT FOUND THEN
        o_outcome := 'NOT_FOUND';
        RETURN NEXT;
        RETURN;
    END IF;
    o_job_id := r.job_id; o_item_id := r.item_id; o_is_gold := r.is_gold; o_labels := r.labels;
    o_overlap_min := r.overlap_min; o_overlap_max := r.overlap_max; o_target := r.confidence_target;
    o_uncertainty := r.model_uncertainty; o_exam_size := r.exam_size;
    IF r.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') THEN
        IF (p_key IS NOT NULL AND p_key = r.idempotency_key)
           OR (p_key IS NULL AND r.idempotency_key IS NULL AND p_label = r.old_label) THEN
            o_outcome := 'REPEAT';
        ELSE
            o_outcome := 'ALREADY_ANSWERED';
        END IF;
        RETURN NEXT;
        RETURN;
    END IF;
    IF r.status IN ('RELEASED', 'EXPIRED') OR p_now >= r.lease_expires_at THEN
        o_outcome := 'LEASE_EXPIRED';
        RETURN NEXT;
        RETURN;
    END IF;
    IF p_label IS NULL OR NOT (p_label = ANY (r.labels)) THEN
        o_outcome := 'BAD_LABEL';
        RETURN NEXT;
        RETURN;
    END IF;
    o_correct := CASE WHEN r.is_gold THEN p_label = r.gold_label END;
    UPDATE assignment SET status = 'SUBMITTED', label = p_label, submitted_at = p_now, idempotency_key = p_key,
                          gold_correct = o_correct
     WHERE id = p_assignment;
    IF r.is_gold THEN
        o_gold_label := r.gold_label;
        o_hint := r.gold_hint;
        IF r.exam_size > 0 THEN
            SELECT count(*) INTO o_exam_before FROM assignment
             WHERE worker_id = p_worker AND job_id = r.job_id AND is_gold
               AND status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED') AND id <> p_assignment;
        END IF;
        -- The crowd's view of the gold (quality.GoldHealth): this answer, weighed by the worker's record before it.
        o_answer_labels := ARRAY[p_label];
        SELECT ARRAY[COALESCE(max(s.gold_answered), 0)], ARRAY[COALESCE(max(s.gold_correct), 0)]
          INTO o_answer_gold_answered, o_answer_gold_correct
          FROM worker_gold_stats s WHERE s.worker_id = p_worker;
        INSERT INTO worker_gold_stats (worker_id, gold_answered, gold_correct) VALUES (p_worker, 1, CASE WHEN o_correct THEN 1 ELSE 0 END)
            ON CONFLICT (worker_id) DO UPDATE SET gold_answered = worker_gold_stats.gold_answered + 1,
                                                  gold_correct = worker_gold_stats.gold_correct + EXCLUDED.gold_correct;
    ELSE
        PERFORM pg_advisory_xact_lock(r.item_id);
        SELECT array_agg(a.label ORDER BY a.submitted_at, a.id),
               array_agg(COALESCE(s.gold_answered, 0) ORDER BY a.submitted_at, a.id),
               array_agg(COALESCE(s.gold_correct, 0) ORDER BY a.submitted_at, a.id)
          INTO o_answer_labels, o_answer_gold_answered, o_answer_gold_correct
          FROM assignment a LEFT JOIN worker_gold_stats s ON s.worker_id = a.worker_id
         WHERE a.item_id = r.item_id AND a.status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED');
    END IF;
    o_outcome := 'STORED';
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION submit_answers(p_assignment UUID[], p_worker BIGINT[], p_label TEXT[], p_key TEXT[], p_now TIMESTAMPTZ[])
    RETURNS TABLE (o_index INT, o_outcome TEXT, o_job_id BIGINT, o_item_id BIGINT, o_is_gold BOOLEAN, o_labels TEXT[],
                   o_overlap_min INT, o_overlap_max INT, o_target DOUBLE PRECISION, o_uncertainty DOUBLE PRECISION,
                   o_exam_size INT, o_gold_label TEXT, o_hint TEXT, o_correct BOOLEAN, o_exam_before BIGINT,
                   o_answer_labels TEXT[], o_answer_gold_answered BIGINT[], o_answer_gold_correct BIGINT[])
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
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
           CASE WHEN stored AND NOT s.is_gold THEN p.labels WHEN stored THEN ARRAY[s.label] END,
           CASE WHEN stored AND NOT s.is_gold THEN p.gold_answered WHEN stored THEN ARRAY[g.gold_answered - later.answered] END,
           CASE WHEN stored AND NOT s.is_gold THEN p.gold_correct WHEN stored THEN ARRAY[g.gold_correct - later.correct] END
      FROM unnest(v_rows) s
      CROSS JOIN LATERAL (SELECT s.outcome = 'STORED' AS stored) o
      LEFT JOIN answered p ON p.item_id = s.item_id
      -- A stored gold answer's worker record before it: the record now, less the worker's gold answers from this one on.
      LEFT JOIN worker_gold_stats g ON g.worker_id = s.worker_id AND s.is_gold
      LEFT JOIN LATERAL (SELECT count(*) AS answered, count(*) FILTER (WHERE x.label = x.gold_label) AS correct
                           FROM unnest(v_rows) x
                          WHERE x.worker_id = s.worker_id AND x.outcome = 'STORED' AND x.is_gold AND x.idx >= s.idx) later
             ON s.is_gold
     ORDER BY s.idx;
END $$;
