-- Answers to one item exclude each other with a transaction-level advisory lock keyed by the item id (the only use
-- of bigint advisory keys in this schema), no longer with the item row's lock: the row lock also excluded the groups
-- of leases, which lock item rows to count an item's leases, so under load a group of answers waited 7-9 ms for item
-- rows (pg_stat_statements, load benchmark) and groups of leases waited for answers through their WAL flush. Answers
-- still need exclusion among themselves (each item's posterior is computed from every answer committed before it);
-- leases need none from answers (an answer does not change an item's live count). The item row is now locked only
-- by the posterior's UPDATE at the end of the answers' transaction (PosteriorWriter). A group of answers
-- (submit_answers, V31) takes the same lock; this is the one-answer path.

CREATE OR REPLACE FUNCTION submit_answer(p_assignment UUID, p_worker BIGINT, p_label TEXT, p_key TEXT, p_now TIMESTAMPTZ)
    RETURNS TABLE (o_outcome TEXT, o_job_id BIGINT, o_item_id BIGINT, o_is_gold BOOLEAN, o_labels TEXT[], o_overlap_min INT,
                   o_overlap_max INT, o_target DOUBLE PRECISION, o_uncertainty DOUBLE PRECISION, o_exam_size INT,
                   o_gold_label TEXT, o_hint TEXT, o_correct BOOLEAN, o_exam_before BIGINT, o_answer_labels TEXT[],
                   o_answer_gold_answered BIGINT[], o_answer_gold_correct BIGINT[])
    LANGUAGE plpgsql AS $$
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
