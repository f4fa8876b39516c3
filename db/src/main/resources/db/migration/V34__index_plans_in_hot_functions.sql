-- The hot functions plan their statements once per connection and keep the plans. Planned while assignment was
-- nearly empty (a fresh deployment, before autovacuum first analyses it), they scanned assignment sequentially, once
-- per group or once per lease, and kept doing so as it grew, until the next ANALYZE replanned them: under the load
-- benchmark that lasted over a minute and halved throughput. Every lookup in them has an index, so inside them a
-- sequential scan is never the cheap plan for long; they run with sequential scans as the last resort.
ALTER FUNCTION claim_lease(UUID, BIGINT, BIGINT, BIGINT, BOOLEAN, BIGINT, BIGINT, TIMESTAMPTZ, TIMESTAMPTZ, BIGINT)
    SET enable_seqscan = off;
ALTER FUNCTION claim_leases(UUID[], BIGINT[], BIGINT[], BIGINT[], BOOLEAN[], BIGINT[], BIGINT[], TIMESTAMPTZ[], TIMESTAMPTZ[], BIGINT[])
    SET enable_seqscan = off;
ALTER FUNCTION claim_leases_one_by_one(UUID[], BIGINT[], BIGINT[], BIGINT[], BOOLEAN[], BIGINT[], BIGINT[], TIMESTAMPTZ[], TIMESTAMPTZ[], BIGINT[])
    SET enable_seqscan = off;
ALTER FUNCTION submit_answer(UUID, BIGINT, TEXT, TEXT, TIMESTAMPTZ) SET enable_seqscan = off;
ALTER FUNCTION submit_answers(UUID[], BIGINT[], TEXT[], TEXT[], TIMESTAMPTZ[]) SET enable_seqscan = off;
