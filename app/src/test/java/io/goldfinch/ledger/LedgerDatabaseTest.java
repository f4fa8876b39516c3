package io.goldfinch.ledger;

import io.goldfinch.common.Db;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The database itself keeps the ledger append-only, balanced and free of overdrafts. */
@MicronautTest
class LedgerDatabaseTest {

    @Inject
    Db db;
    @Inject
    Ledger ledger;

    @Test
    void transfersCannotBeUpdatedOrDeletedAndBalancesCannotBeEditedDirectly() {
        String key = "test:" + UUID.randomUUID();
        db.tx(c -> ledger.post(c, new Ledger.Transfer(key, Ledger.FUNDING, Ledger.FEES, 7, "TEST", null, null, null)));
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "UPDATE ledger_transfer SET amount_minor = 1 WHERE idempotency_key = ?", key)))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "DELETE FROM ledger_transfer WHERE idempotency_key = ?", key)))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "UPDATE ledger_account SET credits_minor = credits_minor + 100 WHERE code = ?", Ledger.FEES)))
                .hasMessageContaining("only by posting a transfer");
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "DELETE FROM ledger_account WHERE code = ?", Ledger.FEES)))
                .hasMessageContaining("cannot be deleted");
        assertThatThrownBy(() -> db.tx(c -> Db.update(c, "TRUNCATE ledger_transfer CASCADE")))
                .hasMessageContaining("append-only");
    }

    @Test
    void anOverdraftIsRefusedAndLeavesNoTrace() {
        long before = db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM ledger_transfer"));
        assertThatThrownBy(() -> db.tx(c -> {
            return ledger.post(c, new Ledger.Transfer("test:" + UUID.randomUUID(), Ledger.FEES, Ledger.FUNDING, Long.MAX_VALUE / 2, "TEST", null, null, null));
        })).isInstanceOf(Ledger.InsufficientFunds.class);
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM ledger_transfer"))).isEqualTo(before);
    }

    @Test
    void theSameIdempotencyKeyPostsOnceAndADifferentPayloadIsAnError() {
        String key = "test:" + UUID.randomUUID();
        var transfer = new Ledger.Transfer(key, Ledger.FUNDING, Ledger.FEES, 5, "TEST", null, null, null);
        assertThat((boolean) db.tx(c -> ledger.post(c, transfer))).isTrue();
        assertThat((boolean) db.tx(c -> ledger.post(c, transfer))).isFalse();
        assertThat((long) db.tx(c -> Db.scalarLong(c, "SELECT count(*) FROM ledger_transfer WHERE idempotency_key = ?", key))).isEqualTo(1);
        assertThatThrownBy(() -> db.tx(c -> ledger.post(c, new Ledger.Transfer(key, Ledger.FUNDING, Ledger.FEES, 6, "TEST", null, null, null))))
                .hasMessageContaining("different transfer");
    }

    @Test
    void totalDebitsAlwaysEqualTotalCredits() {
        db.tx(c -> {
            assertThat(Db.scalarLong(c, "SELECT COALESCE(SUM(debits_minor), 0) - COALESCE(SUM(credits_minor), 0) FROM ledger_account")).isZero();
            assertThat(Db.scalarLong(c, "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_transfer"))
                    .isEqualTo(Db.scalarLong(c, "SELECT COALESCE(SUM(debits_minor), 0) FROM ledger_account"));
            return null;
        });
    }
}
