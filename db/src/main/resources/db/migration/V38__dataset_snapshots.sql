-- Dataset snapshots: an immutable, versioned record of a job's labels at one moment, with the provenance of every
-- label (which aggregation produced it, from how many answers) and the worker models behind it. Versions count up per
-- job from 1. Nothing in these tables is ever changed or deleted: a newer snapshot is a new version.

CREATE TABLE dataset_snapshot (
    id              bigserial PRIMARY KEY,
    job_id          bigint      NOT NULL REFERENCES job (id),
    version         int         NOT NULL CHECK (version > 0),
    created_at      timestamptz NOT NULL,
    created_by      bigint      NOT NULL REFERENCES app_user (id),
    method          text        NOT NULL,            -- the job's aggregation setting, e.g. auto
    model           text        NOT NULL,            -- what was fitted, e.g. auto:ds(a=0.1,d=1,s=10)
    iterations      int         NOT NULL CHECK (iterations >= 0),
    answers         int         NOT NULL CHECK (answers >= 0),      -- answers used (golds included)
    last_answer_at  timestamptz,                     -- the newest answer used; null when there were none
    items           int         NOT NULL CHECK (items >= 0),        -- labelled items (golds excluded)
    gold_items      int         NOT NULL CHECK (gold_items >= 0),   -- golds that had answers (clamped to their key)
    adjudicated     int         NOT NULL CHECK (adjudicated >= 0),  -- items whose label an expert set
    workers         int         NOT NULL CHECK (workers >= 0),
    krippendorff_alpha double precision,             -- null where undefined (no item with two answers, one label)
    fleiss_kappa    double precision,
    content_sha256  text        NOT NULL,            -- SHA-256 of the snapshot's CSV export, for checking a download
    UNIQUE (job_id, version)
);

CREATE TABLE dataset_snapshot_item (
    snapshot_id bigint           NOT NULL REFERENCES dataset_snapshot (id),
    item_id     bigint           NOT NULL REFERENCES item (id),
    label       text             NOT NULL,
    confidence  double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    answers     int              NOT NULL CHECK (answers >= 0),
    -- crowd: the aggregation's label; adjudicated: an expert's label for an item the crowd left uncertain (V39)
    source      text             NOT NULL CHECK (source IN ('crowd', 'adjudicated')),
    PRIMARY KEY (snapshot_id, item_id)
);

-- Per worker the model the labels came from: answers in the snapshot, and the confusion matrix row-major
-- [truth * K + answer] over the job's labels (rows sum to 1).
CREATE TABLE dataset_snapshot_worker (
    snapshot_id bigint             NOT NULL REFERENCES dataset_snapshot (id),
    worker_id   bigint             NOT NULL REFERENCES app_user (id),
    answers     int                NOT NULL CHECK (answers > 0),
    confusion   double precision[] NOT NULL,
    PRIMARY KEY (snapshot_id, worker_id)
);

CREATE FUNCTION dataset_snapshot_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dataset snapshots are immutable: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER dataset_snapshot_immutable BEFORE UPDATE OR DELETE ON dataset_snapshot
    FOR EACH ROW EXECUTE FUNCTION dataset_snapshot_forbid_change();
CREATE TRIGGER dataset_snapshot_no_truncate BEFORE TRUNCATE ON dataset_snapshot
    FOR EACH STATEMENT EXECUTE FUNCTION dataset_snapshot_forbid_change();
CREATE TRIGGER dataset_snapshot_item_immutable BEFORE UPDATE OR DELETE ON dataset_snapshot_item
    FOR EACH ROW EXECUTE FUNCTION dataset_snapshot_forbid_change();
CREATE TRIGGER dataset_snapshot_item_no_truncate BEFORE TRUNCATE ON dataset_snapshot_item
    FOR EACH STATEMENT EXECUTE FUNCTION dataset_snapshot_forbid_change();
CREATE TRIGGER dataset_snapshot_worker_immutable BEFORE UPDATE OR DELETE ON dataset_snapshot_worker
    FOR EACH ROW EXECUTE FUNCTION dataset_snapshot_forbid_change();
CREATE TRIGGER dataset_snapshot_worker_no_truncate BEFORE TRUNCATE ON dataset_snapshot_worker
    FOR EACH STATEMENT EXECUTE FUNCTION dataset_snapshot_forbid_change();
