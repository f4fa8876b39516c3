-- The job's items in id order: matching reads its items' states page by page (keyset on id) when it rebuilds or
-- reconciles Redis, instead of aggregating a whole job in one query. The old (job_id, is_gold) lookups use the prefix.
DROP INDEX item_job;
CREATE INDEX item_job ON item (job_id, is_gold, id);
