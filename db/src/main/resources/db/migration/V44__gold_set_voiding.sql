-- A set gold voided: retired in the set and in every job that has it, with its answers voided there (V43). Like a
-- job's voided gold, it cannot be restored.
ALTER TABLE gold_set_item ADD COLUMN voided_at timestamptz,
                          ADD CONSTRAINT gold_set_item_voided_is_retired CHECK (voided_at IS NULL OR retired_at IS NOT NULL);
