-- Goldfinch foundation schema: accounts, jobs, items, assignments, worker quality and the ledger.
-- PostgreSQL is the truth; Redis holds only rebuildable matching state.

CREATE TABLE app_user (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT        NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name  TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    roles         TEXT[]      NOT NULL CHECK (roles <@ ARRAY['REQUESTER','WORKER','QUALITY_MANAGER','ADMIN']::TEXT[] AND cardinality(roles) > 0),
    blocked       BOOLEAN     NOT NULL DEFAULT FALSE,
    skills        TEXT[]      NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_key (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES app_user (id),
    name        TEXT        NOT NULL,
    prefix      TEXT        NOT NULL,
    key_sha256  TEXT        NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_key_user ON api_key (user_id);

CREATE TABLE job (
    id                  BIGSERIAL PRIMARY KEY,
    requester_id        BIGINT      NOT NULL REFERENCES app_user (id),
    title               TEXT        NOT NULL,
    instructions        TEXT        NOT NULL,
    labels              TEXT[]      NOT NULL CHECK (cardinality(labels) BETWEEN 2 AND 50),
    reward_minor        BIGINT      NOT NULL CHECK (reward_minor > 0),
    overlap_min         INT         NOT NULL CHECK (overlap_min >= 1),
    overlap_max         INT         NOT NULL CHECK (overlap_max >= overlap_min AND overlap_max <= 100),
    gold_rate           DOUBLE PRECISION NOT NULL CHECK (gold_rate >= 0 AND gold_rate < 1),
    review_window_hours INT         NOT NULL CHECK (review_window_hours BETWEEN 0 AND 2160),
    fee_bps             INT         NOT NULL CHECK (fee_bps BETWEEN 0 AND 10000),
    -- Dynamic overlap: an item closes once it has overlap_min answers and its posterior reaches this target.
    confidence_target   DOUBLE PRECISION NOT NULL DEFAULT 0.95 CHECK (confidence_target > 0 AND confidence_target <= 1),
    -- Eligibility.
    min_accuracy        DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (min_accuracy >= 0 AND min_accuracy < 1),
    required_skills     TEXT[]      NOT NULL DEFAULT '{}',
    max_tasks_per_worker         INT CHECK (max_tasks_per_worker > 0),
    max_tasks_per_worker_per_day INT CHECK (max_tasks_per_worker_per_day > 0),
    priority            INT         NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100),
    aggregation_method  TEXT        NOT NULL DEFAULT 'auto' CHECK (aggregation_method IN ('auto','mv','one-coin','ds')),
    -- Set at publish from the quote: how many gold tasks the escrow pays for.
    gold_task_budget    BIGINT      NOT NULL DEFAULT 0 CHECK (gold_task_budget >= 0),
    status              TEXT        NOT NULL CHECK (status IN ('DRAFT','PUBLISHED','COMPLETED','CANCELLED')),
    created_at          TIMESTAMPTZ NOT NULL,
    published_at        TIMESTAMPTZ
);
CREATE INDEX job_requester ON job (requester_id);
CREATE INDEX job_published ON job (status) WHERE status = 'PUBLISHED';

CREATE TABLE item (
    id          BIGSERIAL PRIMARY KEY,
    job_id      BIGINT  NOT NULL REFERENCES job (id),
    external_id TEXT    NOT NULL,
    data        JSONB   NOT NULL,
    is_gold     BOOLEAN NOT NULL DEFAULT FALSE,
    gold_label  TEXT,
    -- Requester-supplied model output: a pre-label and its uncertainty in [0,1] (model-in-the-loop priority).
    prelabel          TEXT,
    model_uncertainty DOUBLE PRECISION CHECK (model_uncertainty >= 0 AND model_uncertainty <= 1),
    -- Online posterior, updated on every answer; closed_at is set when no more answers will be bought.
    posterior_label      TEXT,
    posterior_confidence DOUBLE PRECISION,
    closed_at            TIMESTAMPTZ,
    CHECK (is_gold = (gold_label IS NOT NULL)),
    UNIQUE (job_id, external_id)
);
CREATE INDEX item_job ON item (job_id, is_gold);

CREATE TABLE assignment (
    id               UUID        PRIMARY KEY,
    job_id           BIGINT      NOT NULL REFERENCES job (id),
    item_id          BIGINT      NOT NULL REFERENCES item (id),
    worker_id        BIGINT      NOT NULL REFERENCES app_user (id),
    is_gold          BOOLEAN     NOT NULL,
    status           TEXT        NOT NULL CHECK (status IN ('LEASED','RELEASED','EXPIRED','SUBMITTED','ACCEPTED','REJECTED')),
    reward_minor     BIGINT      NOT NULL CHECK (reward_minor > 0),
    fee_minor        BIGINT      NOT NULL CHECK (fee_minor >= 0),
    leased_at        TIMESTAMPTZ NOT NULL,
    lease_expires_at TIMESTAMPTZ NOT NULL,
    label            TEXT,
    idempotency_key  TEXT,
    submitted_at     TIMESTAMPTZ,
    gold_correct     BOOLEAN,
    reviewed_at      TIMESTAMPTZ,
    review_reason    TEXT,
    CHECK ((status IN ('SUBMITTED','ACCEPTED','REJECTED')) = (label IS NOT NULL AND submitted_at IS NOT NULL))
);
-- One live or answered assignment per worker and item: never two answers from one worker on one item.
CREATE UNIQUE INDEX assignment_worker_item_once ON assignment (item_id, worker_id)
    WHERE status IN ('LEASED','SUBMITTED','ACCEPTED','REJECTED');
CREATE INDEX assignment_job_status ON assignment (job_id, status);
CREATE INDEX assignment_worker ON assignment (worker_id, status);
CREATE INDEX assignment_review_due ON assignment (submitted_at) WHERE status = 'SUBMITTED';
CREATE INDEX assignment_lease_due ON assignment (lease_expires_at) WHERE status = 'LEASED';

-- Gold record per worker: raw counts; the accuracy estimate is computed (Beta prior) where it is shown.
CREATE TABLE worker_gold_stats (
    worker_id     BIGINT PRIMARY KEY REFERENCES app_user (id),
    gold_answered BIGINT NOT NULL DEFAULT 0 CHECK (gold_answered >= 0),
    gold_correct  BIGINT NOT NULL DEFAULT 0 CHECK (gold_correct >= 0 AND gold_correct <= gold_answered)
);

-- ---------------------------------------------------------------------------------------------
-- Ledger: double-entry, append-only, integer minor units.
-- Every transfer debits one account and credits another by the same positive amount, so total
-- debits equal total credits by construction. Balances (credits - debits) are maintained by a
-- trigger and may not go negative unless the account allows it (the external funding source).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE ledger_account (
    id             BIGSERIAL PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    kind           TEXT    NOT NULL CHECK (kind IN ('EXTERNAL_FUNDING','EXTERNAL_PAYOUTS','REQUESTER_AVAILABLE','JOB_ESCROW','WORKER_BALANCE','PLATFORM_FEES')),
    owner_user_id  BIGINT  REFERENCES app_user (id),
    job_id         BIGINT  REFERENCES job (id),
    allow_negative BOOLEAN NOT NULL DEFAULT FALSE,
    debits_minor   BIGINT  NOT NULL DEFAULT 0 CHECK (debits_minor >= 0),
    credits_minor  BIGINT  NOT NULL DEFAULT 0 CHECK (credits_minor >= 0),
    CONSTRAINT ledger_account_no_overdraft CHECK (allow_negative OR credits_minor - debits_minor >= 0)
);

CREATE TABLE ledger_transfer (
    id                BIGSERIAL PRIMARY KEY,
    idempotency_key   TEXT        NOT NULL UNIQUE,
    debit_account_id  BIGINT      NOT NULL REFERENCES ledger_account (id),
    credit_account_id BIGINT      NOT NULL REFERENCES ledger_account (id),
    amount_minor      BIGINT      NOT NULL CHECK (amount_minor > 0),
    kind              TEXT        NOT NULL,
    job_id            BIGINT      REFERENCES job (id),
    assignment_id     UUID        REFERENCES assignment (id),
    memo              TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    CHECK (debit_account_id <> credit_account_id)
);
CREATE INDEX ledger_transfer_debit ON ledger_transfer (debit_account_id);
CREATE INDEX ledger_transfer_credit ON ledger_transfer (credit_account_id);
CREATE INDEX ledger_transfer_job ON ledger_transfer (job_id);

CREATE FUNCTION ledger_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger transfers are append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER ledger_transfer_append_only BEFORE UPDATE OR DELETE ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
CREATE TRIGGER ledger_transfer_no_truncate BEFORE TRUNCATE ON ledger_transfer
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_change();

CREATE FUNCTION ledger_post_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Lock both accounts in id order so concurrent transfers cannot deadlock.
    PERFORM 1 FROM ledger_account WHERE id IN (NEW.debit_account_id, NEW.credit_account_id) ORDER BY id FOR UPDATE;
    UPDATE ledger_account SET debits_minor = debits_minor + NEW.amount_minor WHERE id = NEW.debit_account_id;
    UPDATE ledger_account SET credits_minor = credits_minor + NEW.amount_minor WHERE id = NEW.credit_account_id;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_transfer_post AFTER INSERT ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_post_transfer();

-- Posted totals change only through the posting trigger, never by a direct UPDATE.
CREATE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger accounts cannot be deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.debits_minor <> 0 OR NEW.credits_minor <> 0 THEN
            RAISE EXCEPTION 'ledger accounts open with zero totals' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.debits_minor <> OLD.debits_minor OR NEW.credits_minor <> OLD.credits_minor) AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'ledger balances change only by posting a transfer' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.code <> OLD.code OR NEW.kind <> OLD.kind OR NEW.allow_negative <> OLD.allow_negative THEN
        RAISE EXCEPTION 'ledger accounts are immutable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_account_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();
