-- Voiding a retired gold: its answers stop counting for or against anyone (an ambiguous gold has no right key to
-- correct it to). Each answer's gold_correct becomes NULL and the worker's gold record loses it; rejections it caused
-- are reversed and paid. A voided gold stays retired for good. Answers submitted after the void (a lease already
-- holding the gold) are voided by a periodic sweep, which finds voided golds through the small partial index below
-- (the column is written once, so the item table's updates stay HOT).
ALTER TABLE item ADD COLUMN gold_voided_at timestamptz,
                 ADD CONSTRAINT item_voided_golds_are_retired CHECK (gold_voided_at IS NULL OR gold_retired_at IS NOT NULL);
CREATE INDEX item_voided_golds ON item (job_id, id) WHERE gold_voided_at IS NOT NULL;
