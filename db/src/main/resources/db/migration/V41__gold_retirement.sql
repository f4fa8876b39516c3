-- Retiring a gold: a quality manager (or the job's requester) stops it being served, because it has been shown too
-- often, leaked, or turned out ambiguous. The answers it already has keep their scores (a wrong key is corrected
-- instead, which re-scores them). A retired gold can be restored. No index and no foreign key: item rows are updated
-- on every answer and keep room for HOT updates (V30); golds are read by (job_id, is_gold, id).
ALTER TABLE item ADD COLUMN gold_retired_at timestamptz,
                 ADD COLUMN gold_retired_by bigint,
                 ADD CONSTRAINT item_only_golds_retire CHECK (gold_retired_at IS NULL OR is_gold);
