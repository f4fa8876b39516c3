-- The group functions (claim_leases, claim_leases_one_by_one V32; submit_answers V31/V36) take their rows as arrays,
-- and PostgreSQL kept re-planning their statements: for a statement over unnest() of a parameter the plan cache
-- compares the generic plan, made for an unknown array, with plans made for the array at hand, and here kept choosing
-- the latter, so about half of all calls planned their big statements afresh. pg_stat_statements (track_planning,
-- load benchmark, 500 workers): claim_leases' main statement planned in 630 of 2,028 calls at 1.2 ms a plan,
-- submit_answers' last statement in 1,055 of 2,556 at 0.9 ms, against 0.2-0.6 ms to run either. Every lookup in them
-- goes through an index whatever the array holds (and sequential scans are off inside them, V34), so the generic plan
-- is the plan: auto_explain shows nested loops over index scans for each of their statements.
ALTER FUNCTION claim_leases(UUID[], BIGINT[], BIGINT[], BIGINT[], BOOLEAN[], BIGINT[], BIGINT[], TIMESTAMPTZ[], TIMESTAMPTZ[], BIGINT[])
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION claim_leases_one_by_one(UUID[], BIGINT[], BIGINT[], BIGINT[], BOOLEAN[], BIGINT[], BIGINT[], TIMESTAMPTZ[], TIMESTAMPTZ[], BIGINT[])
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION submit_answers(UUID[], BIGINT[], TEXT[], TEXT[], TIMESTAMPTZ[]) SET plan_cache_mode = force_generic_plan;

-- The golds' crowd evidence (V36), added for a group of answers: per gold, the sum of its answers' log-likelihoods
-- (p_evidence[p_offset + 1 .. p_offset + p_k]) is added to the stored sum, in the row's lock, and posterior_answers
-- counts the answers folded in. A function for the same reason as above: as a statement from the application it was
-- planned afresh in 1,396 of 1,883 calls. (plpgsql, not sql: a sql function plans its statement on every call.)
CREATE FUNCTION add_gold_evidence(p_item BIGINT[], p_offset INT[], p_k INT[], p_answers INT[], p_evidence DOUBLE PRECISION[])
    RETURNS VOID LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
BEGIN
    UPDATE item i
       SET crowd_evidence = (SELECT array_agg(COALESCE(u.e, 0) + u.d ORDER BY u.n)
                               FROM unnest(i.crowd_evidence, p_evidence[w.off + 1 : w.off + w.k]) WITH ORDINALITY AS u(e, d, n)),
           posterior_answers = i.posterior_answers + w.answers
      FROM unnest(p_item, p_offset, p_k, p_answers) AS w(id, off, k, answers)
     WHERE i.id = w.id AND i.is_gold;
END $$;
