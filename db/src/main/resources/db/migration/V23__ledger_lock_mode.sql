-- Concurrent postings on the same account deadlocked: inserting a transfer takes FOR KEY SHARE on both accounts
-- (its foreign keys), and the posting trigger then asked for FOR UPDATE, which conflicts with another transaction's
-- KEY SHARE on the same account. FOR NO KEY UPDATE (what the balance UPDATE takes anyway) does not conflict with
-- KEY SHARE, so concurrent postings now queue instead of deadlocking.
CREATE OR REPLACE FUNCTION ledger_post_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Lock both accounts in id order so concurrent transfers cannot deadlock.
    PERFORM 1 FROM ledger_account WHERE id IN (NEW.debit_account_id, NEW.credit_account_id) ORDER BY id FOR NO KEY UPDATE;
    UPDATE ledger_account SET debits_minor = debits_minor + NEW.amount_minor WHERE id = NEW.debit_account_id;
    UPDATE ledger_account SET credits_minor = credits_minor + NEW.amount_minor WHERE id = NEW.credit_account_id;
    RETURN NEW;
END $$;
