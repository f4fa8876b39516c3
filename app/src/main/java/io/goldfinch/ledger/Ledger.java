package io.goldfinch.ledger;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Posts transfers to the double-entry ledger. Each transfer carries a caller-chosen idempotency key: posting the same
 * key with the same payload again is a no-op; with a different payload it is an error. Overdrafts are refused by the
 * database (a CHECK on the account), which also serialises concurrent postings on the same account.
 */
@Singleton
public final class Ledger {

    /** Account codes. */
    public static final String FUNDING = "external:funding";
    public static final String FEES = "platform:fees";
    /** Money that left for workers' bank accounts (Stripe transfers or offline payments). */
    public static final String PAYOUTS = "external:payouts";

    public static String requesterAvailable(long userId) {
        return "requester:" + userId + ":available";
    }

    public static String jobEscrow(long jobId) {
        return "job:" + jobId + ":escrow";
    }

    public static String workerBalance(long userId) {
        return "worker:" + userId + ":balance";
    }

    /** What to post. */
    public record Transfer(String idempotencyKey, String debitCode, String creditCode, long amountMinor, String kind,
                           Long jobId, UUID assignmentId, String memo) {
        public Transfer {
            Objects.requireNonNull(idempotencyKey);
            if (amountMinor <= 0) {
                throw new IllegalArgumentException("transfer amount must be positive: " + amountMinor);
            }
        }
    }

    /** Raised when a posting would overdraw an account; the caller's transaction is rolled back. */
    public static final class InsufficientFunds extends ApiException {
        public InsufficientFunds(String detail) {
            super(io.micronaut.http.HttpStatus.CONFLICT, "insufficient-funds", detail);
        }
    }

    private final Clock clock;

    public Ledger(Clock clock) {
        this.clock = clock;
    }

    /** Opens the account if it does not exist; returns its id. */
    public long account(Connection c, String code) throws SQLException {
        Optional<Long> existing = Db.one(c, rs -> rs.getLong(1), "SELECT id FROM ledger_account WHERE code = ?", code);
        if (existing.isPresent()) {
            return existing.get();
        }
        AccountSpec spec = AccountSpec.of(code);
        Db.update(c, "INSERT INTO ledger_account (code, kind, owner_user_id, job_id, allow_negative) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (code) DO NOTHING", code, spec.kind, spec.ownerUserId, spec.jobId, spec.allowNegative);
        return Db.scalarLong(c, "SELECT id FROM ledger_account WHERE code = ?", code);
    }

    /** Balance (credits minus debits) of an account; 0 when it was never opened. */
    public long balance(Connection c, String code) throws SQLException {
        return Db.one(c, rs -> rs.getLong(1), "SELECT credits_minor - debits_minor FROM ledger_account WHERE code = ?", code)
                .orElse(0L);
    }

    /**
     * Posts one transfer inside the caller's transaction. Returns true when posted now, false when this key had
     * already been posted with the same payload.
     */
    public boolean post(Connection c, Transfer t) throws SQLException {
        long debit = account(c, t.debitCode());
        long credit = account(c, t.creditCode());
        var savepoint = c.setSavepoint();
        try {
            Optional<Long> id = Db.one(c, rs -> rs.getLong(1),
                    "INSERT INTO ledger_transfer (idempotency_key, debit_account_id, credit_account_id, amount_minor, kind, job_id, "
                            + "assignment_id, memo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                    t.idempotencyKey(), debit, credit, t.amountMinor(), t.kind(), t.jobId(), t.assignmentId(), t.memo(),
                    Timestamp.from(clock.instant()));
            c.releaseSavepoint(savepoint);
            if (id.isPresent()) {
                return true;
            }
        } catch (SQLException e) {
            c.rollback(savepoint);
            if (Db.isCheckViolation(e)) {
                throw new InsufficientFunds("not enough funds in " + t.debitCode() + " for " + t.amountMinor() + " minor units");
            }
            throw e;
        }
        boolean same = Db.one(c, rs -> rs.getLong("debit_account_id") == debit && rs.getLong("credit_account_id") == credit
                        && rs.getLong("amount_minor") == t.amountMinor(),
                "SELECT debit_account_id, credit_account_id, amount_minor FROM ledger_transfer WHERE idempotency_key = ?",
                t.idempotencyKey()).orElse(false);
        if (!same) {
            throw ApiException.conflict("idempotency-key-reused",
                    "idempotency key " + t.idempotencyKey() + " was already used for a different transfer");
        }
        return false;
    }

    /** Kind, owner and overdraft rule of an account, derived from its code. */
    private record AccountSpec(String kind, Long ownerUserId, Long jobId, boolean allowNegative) {
        static AccountSpec of(String code) {
            if (code.equals(FUNDING)) {
                return new AccountSpec("EXTERNAL_FUNDING", null, null, true);
            }
            if (code.equals(PAYOUTS)) {
                return new AccountSpec("EXTERNAL_PAYOUTS", null, null, true);
            }
            if (code.equals(FEES)) {
                return new AccountSpec("PLATFORM_FEES", null, null, false);
            }
            String[] parts = code.split(":");
            if (parts.length == 3) {
                long id = Long.parseLong(parts[1]);
                switch (parts[0] + ":" + parts[2]) {
                    case "requester:available":
                        return new AccountSpec("REQUESTER_AVAILABLE", id, null, false);
                    case "job:escrow":
                        return new AccountSpec("JOB_ESCROW", null, id, false);
                    case "worker:balance":
                        return new AccountSpec("WORKER_BALANCE", id, null, false);
                    default:
                        break;
                }
            }
            throw new IllegalArgumentException("unknown ledger account code " + code);
        }
    }
}
