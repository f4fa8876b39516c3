-- Gold sets shared across jobs: a library of golds (data, key, hint) that its owner (a requester, or a quality manager
-- for anyone's jobs) adds to jobs. Adding a set copies its golds in service into the job as the job's own golds, each
-- remembering the set gold it came from (item.gold_source), so that retiring, restoring or correcting a set gold does
-- the same in every job that has it, and its statistics can be summed across those jobs.
CREATE TABLE gold_set (
    id         bigserial PRIMARY KEY,
    owner_id   bigint      NOT NULL REFERENCES app_user (id),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    labels     text[]      NOT NULL CHECK (cardinality(labels) BETWEEN 2 AND 50),
    created_at timestamptz NOT NULL
);
CREATE INDEX gold_set_owner ON gold_set (owner_id);

CREATE TABLE gold_set_item (
    id          bigserial PRIMARY KEY,
    set_id      bigint      NOT NULL REFERENCES gold_set (id),
    external_id text        NOT NULL,
    data        jsonb       NOT NULL,
    label       text        NOT NULL,
    hint        text,
    retired_at  timestamptz,
    created_at  timestamptz NOT NULL,
    UNIQUE (set_id, external_id)
);

-- No foreign key on the hot item table (V30); the column never changes once written, so updates stay HOT.
ALTER TABLE item ADD COLUMN gold_source bigint,
                 ADD CONSTRAINT item_gold_source_is_gold CHECK (gold_source IS NULL OR is_gold);
CREATE INDEX item_gold_source ON item (gold_source) WHERE gold_source IS NOT NULL;
