-- Adjudication: an expert (quality manager, or the job's requester) sets the label of an item the crowd left
-- uncertain: closed at its maximum overlap below the job's confidence target. The expert's label is the item's label
-- in results and dataset versions, and is clamped like a gold's in the fit, so it also informs the workers' models.
-- Append-only: a correction is a new row, and the latest row per item counts.
CREATE TABLE item_adjudication (
    id             bigserial PRIMARY KEY,
    job_id         bigint      NOT NULL REFERENCES job (id),
    item_id        bigint      NOT NULL REFERENCES item (id),
    label          text        NOT NULL,
    note           text CHECK (note IS NULL OR length(note) <= 2000),
    adjudicated_by bigint      NOT NULL REFERENCES app_user (id),
    adjudicated_at timestamptz NOT NULL
);
CREATE INDEX item_adjudication_job_item ON item_adjudication (job_id, item_id, id);

CREATE FUNCTION item_adjudication_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'adjudications are append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER item_adjudication_append_only BEFORE UPDATE OR DELETE ON item_adjudication
    FOR EACH ROW EXECUTE FUNCTION item_adjudication_forbid_change();
CREATE TRIGGER item_adjudication_no_truncate BEFORE TRUNCATE ON item_adjudication
    FOR EACH STATEMENT EXECUTE FUNCTION item_adjudication_forbid_change();
