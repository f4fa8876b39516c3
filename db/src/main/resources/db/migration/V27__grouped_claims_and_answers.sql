-- Group execution (app: common.GroupCall): the leases, and the answers, that arrive while the previous group runs are
-- written by one call in one transaction. Each element gives exactly what its own call of claim_lease (V25) or
-- submit_answer (V13) would give; the groups only share the round trip, the transaction and the WAL flush.

-- Elements come sorted by item (the app sorts them), so item row locks are taken in item order.
CREATE FUNCTION claim_leases(p_id UUID[], p_job BIGINT[], p_item BIGINT[], p_worker BIGINT[], p_gold BOOLEAN[],
                             p_reward BIGINT[], p_fee BIGINT[], p_now TIMESTAMPTZ[], p_expires TIMESTAMPTZ[], p_limit BIGINT[])
    RETURNS TABLE (o_index INT, o_data TEXT) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_id, 1), 0) LOOP
        o_index := i;
        o_data := claim_lease(p_id[i], p_job[i], p_item[i], p_worker[i], p_gold[i], p_reward[i], p_fee[i], p_now[i],
                              p_expires[i], p_limit[i]);
        RETURN NEXT;
    END LOOP;
END $$;

CREATE FUNCTION submit_answers(p_assignment UUID[], p_worker BIGINT[], p_label TEXT[], p_key TEXT[], p_now TIMESTAMPTZ[])
    RETURNS TABLE (o_index INT, o_outcome TEXT, o_job_id BIGINT, o_item_id BIGINT, o_is_gold BOOLEAN, o_labels TEXT[],
                   o_overlap_min INT, o_overlap_max INT, o_target DOUBLE PRECISION, o_uncertainty DOUBLE PRECISION,
                   o_exam_size INT, o_gold_label TEXT, o_hint TEXT, o_correct BOOLEAN, o_exam_before BIGINT,
                   o_answer_labels TEXT[], o_answer_gold_answered BIGINT[], o_answer_gold_correct BIGINT[])
    LANGUAGE plpgsql AS $$
BEGIN
    -- The group's items are locked first, in item order like a group of leases, so that groups never wait in a cycle.
    PERFORM 1 FROM item WHERE id IN (SELECT a.item_id FROM assignment a WHERE a.id = ANY (p_assignment))
      ORDER BY id FOR NO KEY UPDATE;
    FOR i IN 1 .. coalesce(array_length(p_assignment, 1), 0) LOOP
        RETURN QUERY SELECT i, s.* FROM submit_answer(p_assignment[i], p_worker[i], p_label[i], p_key[i], p_now[i]) s;
    END LOOP;
END $$;
