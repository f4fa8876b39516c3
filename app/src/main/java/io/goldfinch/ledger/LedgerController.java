package io.goldfinch.ledger;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Balances and funding. Stripe Checkout arrives with the payments issue; until then an ADMIN credits accounts. */
@Controller("/api")
@Tag(name = "ledger")
public class LedgerController {

    @Serdeable
    public record RequesterAccount(long availableMinor, long reservedMinor, long spentMinor, String currency) {
    }

    @Serdeable
    public record Credit(@Positive @Max(1_000_000_000_00L) long amountMinor,
                         @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9._:-]+") String reference) {
    }

    @Serdeable
    public record Credited(long userId, long amountMinor, boolean posted, long availableMinor) {
    }

    @Serdeable
    public record KindTotal(String kind, long debitsMinor, long creditsMinor, long balanceMinor) {
    }

    @Serdeable
    public record Summary(long totalDebitsMinor, long totalCreditsMinor, long transfers, List<KindTotal> byKind) {
    }

    private final Db db;
    private final Ledger ledger;
    private final String currency;

    public LedgerController(Db db, Ledger ledger, @Value("${goldfinch.currency:USD}") String currency) {
        this.db = db;
        this.ledger = ledger;
        this.currency = currency;
    }

    @Get("/account")
    @Secured(Role.REQUESTER_NAME)
    public RequesterAccount account(Authentication authentication) {
        long userId = Caller.of(authentication).userId();
        return db.tx(c -> requesterAccount(c, userId));
    }

    RequesterAccount requesterAccount(Connection c, long userId) throws SQLException {
        long available = ledger.balance(c, Ledger.requesterAvailable(userId));
        long reserved = Db.scalarLong(c, "SELECT COALESCE(SUM(a.credits_minor - a.debits_minor), 0) FROM ledger_account a "
                + "JOIN job j ON j.id = a.job_id WHERE a.kind = 'JOB_ESCROW' AND j.requester_id = ?", userId);
        long spent = Db.scalarLong(c, "SELECT COALESCE(SUM(t.amount_minor), 0) FROM ledger_transfer t "
                + "JOIN ledger_account a ON a.id = t.debit_account_id JOIN job j ON j.id = a.job_id "
                + "WHERE a.kind = 'JOB_ESCROW' AND j.requester_id = ? AND t.kind IN ('REWARD', 'FEE', 'FLOOR_TOPUP')", userId);
        return new RequesterAccount(available, reserved, spent, currency);
    }

    /** Credits a requester's balance; {@code reference} is the idempotency key (one credit per reference). */
    @Post("/admin/accounts/{userId}/credit")
    @Secured(Role.ADMIN_NAME)
    public Credited credit(@PathVariable long userId, @Body @Valid Credit body) {
        return db.tx(c -> {
            var user = UserStore.find(c, userId).orElseThrow(() -> ApiException.notFound("user"));
            if (!user.roles().contains(Role.REQUESTER.name())) {
                throw ApiException.invalid("userId", "only a requester account can be funded");
            }
            boolean posted = ledger.post(c, new Ledger.Transfer("credit:" + userId + ":" + body.reference(), Ledger.FUNDING,
                    Ledger.requesterAvailable(userId), body.amountMinor(), "FUNDING", null, null, "admin credit " + body.reference()));
            return new Credited(userId, body.amountMinor(), posted, ledger.balance(c, Ledger.requesterAvailable(userId)));
        });
    }

    /** Ledger totals: debits always equal credits, and balances by account kind. */
    @Get("/admin/ledger")
    @Secured(Role.ADMIN_NAME)
    public Summary summary() {
        return db.tx(c -> {
            List<KindTotal> kinds = Db.list(c, rs -> new KindTotal(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(3) - rs.getLong(2)),
                    "SELECT kind, COALESCE(SUM(debits_minor), 0), COALESCE(SUM(credits_minor), 0) FROM ledger_account GROUP BY kind ORDER BY kind");
            long debits = kinds.stream().mapToLong(KindTotal::debitsMinor).sum();
            long credits = kinds.stream().mapToLong(KindTotal::creditsMinor).sum();
            long transfers = Db.scalarLong(c, "SELECT count(*) FROM ledger_transfer");
            return new Summary(debits, credits, transfers, kinds);
        });
    }
}
