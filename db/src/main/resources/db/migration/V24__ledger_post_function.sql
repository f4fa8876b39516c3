-- One round trip per posting. Ledger.post used to take five (two account look-ups, SAVEPOINT, INSERT, RELEASE) so that
-- an overdraft refused by the CHECK would not abort the caller's transaction. The same subtransaction now happens
-- inside the database: the EXCEPTION block rolls back the refused insert and the trigger's balance updates, and the
-- outcome comes back as a word. The rules themselves (CHECKs, triggers, append-only) are unchanged.
--   POSTED        the transfer was inserted and both balances moved
--   EXISTS        this idempotency key was posted before with the same accounts and amount: nothing changed
--   KEY_REUSED    this idempotency key was posted before with a different transfer: nothing changed
--   INSUFFICIENT  the debit would overdraw an account that may not go negative: nothing changed
CREATE FUNCTION ledger_post(p_key TEXT, p_debit BIGINT, p_credit BIGINT, p_amount BIGINT, p_kind TEXT, p_job BIGINT,
                            p_assignment UUID, p_memo TEXT, p_at TIMESTAMPTZ)
    RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    v_id         BIGINT;
    v_same       BOOLEAN;
    v_constraint TEXT;
BEGIN
    BEGIN
        INSERT INTO ledger_transfer (idempotency_key, debit_account_id, credit_account_id, amount_minor, kind, job_id,
                                     assignment_id, memo, created_at)
        VALUES (p_key, p_debit, p_credit, p_amount, p_kind, p_job, p_assignment, p_memo, p_at)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id INTO v_id;
    EXCEPTION WHEN check_violation THEN
        GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
        IF v_constraint = 'ledger_account_no_overdraft' THEN
            RETURN 'INSUFFICIENT';
        END IF;
        RAISE;
    END;
    IF v_id IS NOT NULL THEN
        RETURN 'POSTED';
    END IF;
    SELECT debit_account_id = p_debit AND credit_account_id = p_credit AND amount_minor = p_amount INTO v_same
      FROM ledger_transfer WHERE idempotency_key = p_key;
    RETURN CASE WHEN v_same THEN 'EXISTS' ELSE 'KEY_REUSED' END;
END $$;
