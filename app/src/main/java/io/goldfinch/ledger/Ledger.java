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
     * already been posted with the same payload. Two round trips: the accounts' ids, then the database function
     * {@code ledger_post}, which inserts the transfer (its trigger moves both balances) and reports an overdraft or a
     * reused key without aborting the caller's transaction.
     */
    public boolean post(Connection c, Transfer t) throws SQLException {
        long[] ids = accounts(c, t.debitCode(), t.creditCode());
        String outcome = Db.one(c, rs -> rs.getString(1),
                "SELECT ledger_post(?::text, ?::bigint, ?::bigint, ?::bigint, ?::text, ?::bigint, ?::uuid, ?::text, ?::timestamptz)",
                t.idempotencyKey(), ids[0], ids[1], t.amountMinor(), t.kind(), t.jobId(), t.assignmentId(), t.memo(),
                Timestamp.from(clock.instant())).orElseThrow();
        return switch (outcome) {
            case "POSTED" -> true;
            case "EXISTS" -> false;
            case "INSUFFICIENT" -> throw new InsufficientFunds("not enough funds in " + t.debitCode() + " for " + t.amountMinor() + " minor units");
            case "KEY_REUSED" -> throw ApiException.conflict("idempotency-key-reused",
                    "idempotency key " + t.idempotencyKey() + " was already used for a different transfer");
            default -> throw new IllegalStateException("ledger_post answered " + outcome);
        };
    }

    /** Ids of the debit and credit accounts, in one query when both are open (the usual case); opens missing ones. */
    private long[] accounts(Connection c, String debitCode, String creditCode) throws SQLException {
        if (debitCode.equals(creditCode)) {
            throw new IllegalArgumentException("a transfer needs two different accounts: " + debitCode);
        }
        long[] ids = {-1, -1};
        for (Object[] row : Db.list(c, rs -> new Object[]{rs.getString(1), rs.getLong(2)},
                "SELECT code, id FROM ledger_account WHERE code IN (?, ?)", debitCode, creditCode)) {
            ids[row[0].equals(debitCode) ? 0 : 1] = (Long) row[1];
        }
        if (ids[0] < 0) {
            ids[0] = account(c, debitCode);
        }
        if (ids[1] < 0) {
            ids[1] = account(c, creditCode);
        }
        return ids;
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
