package io.goldfinch.payments;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Stripe Checkout top-ups, Connect onboarding, payouts, and the webhook. Without Stripe keys: offline, and says so. */
@Controller("/api")
@Tag(name = "payments")
public class PaymentsController {

    @Serdeable
    public record TopUp(@Min(100) @Max(100_000_000) long amountMinor) {
    }

    @Serdeable
    public record CheckoutStarted(UUID checkoutId, String sessionId, String checkoutUrl) {
    }

    @Serdeable
    public record Onboarding(String accountId, String onboardingUrl, boolean payoutsEnabled) {
    }

    @Serdeable
    public record PayoutRequest(@Nullable @Min(1) Long amountMinor) {
    }

    @Serdeable
    public record Mode(boolean stripe, String funding, String payouts) {
    }

    private final Optional<StripeGateway> stripe;
    private final PayoutService payouts;
    private final StripeWebhooks webhooks;
    private final UserStore users;
    private final Db db;
    private final Clock clock;
    private final String currency;
    private final String publicUrl;

    public PaymentsController(Optional<StripeGateway> stripe, PayoutService payouts, StripeWebhooks webhooks, UserStore users, Db db,
                              Clock clock, @Value("${goldfinch.currency:USD}") String currency,
                              @Value("${goldfinch.public-url:`http://localhost:8080`}") String publicUrl) {
        this.stripe = stripe;
        this.payouts = payouts;
        this.webhooks = webhooks;
        this.users = users;
        this.db = db;
        this.clock = clock;
        this.currency = currency.toLowerCase(java.util.Locale.ROOT);
        this.publicUrl = publicUrl;
    }

    @Get("/payments/mode")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public Mode mode() {
        return stripe.isPresent()
                ? new Mode(true, "Stripe Checkout", "Stripe Connect transfers")
                : new Mode(false, "offline: an admin credits balances", "offline: recorded for manual payment, not sent through Stripe");
    }

    /** Starts a Stripe Checkout top-up; the balance is credited when Stripe's webhook confirms payment. */
    @Post("/account/checkout")
    @Secured(Role.REQUESTER_NAME)
    public CheckoutStarted checkout(@Body @Valid TopUp body, Authentication auth) {
        StripeGateway gateway = stripe.orElseThrow(() -> ApiException.conflict("stripe-not-configured",
                "payments run offline here: an admin credits balances"));
        long requester = Caller.of(auth).userId();
        UUID id = UUID.randomUUID();
        db.tx(c -> Db.update(c, "INSERT INTO checkout (id, requester_id, amount_minor, currency, status, created_at) VALUES (?, ?, ?, ?, 'CREATED', ?)",
                id, requester, body.amountMinor(), currency, Timestamp.from(clock.instant())));
        try {
            StripeGateway.Session session = gateway.createCheckout(id, requester, body.amountMinor(), currency,
                    publicUrl + "/requester/#/funded", publicUrl + "/requester/");
            db.tx(c -> Db.update(c, "UPDATE checkout SET stripe_session_id = ?, status = CASE WHEN status = 'CREATED' THEN 'OPEN' ELSE status END WHERE id = ?",
                    session.id(), id));
            return new CheckoutStarted(id, session.id(), session.url());
        } catch (StripeGateway.GatewayException e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "stripe-unavailable", "Stripe did not create the checkout: " + e.getMessage());
        }
    }

    /** Creates (once) the worker's Stripe Express account and returns an onboarding link. */
    @Post("/worker/payout-account")
    @Secured(Role.WORKER_NAME)
    @Consumes(MediaType.ALL)
    public Onboarding onboarding(Authentication auth) {
        StripeGateway gateway = stripe.orElseThrow(() -> ApiException.conflict("stripe-not-configured",
                "payouts run offline here: they are recorded and paid by hand"));
        long worker = Caller.of(auth).userId();
        try {
            var existing = db.tx(c -> Db.one(c, rs -> new Object[]{rs.getString(1), rs.getBoolean(2)},
                    "SELECT stripe_account_id, payouts_enabled FROM payout_account WHERE worker_id = ?", worker));
            String account;
            boolean enabled;
            if (existing.isPresent()) {
                account = (String) existing.get()[0];
                enabled = (Boolean) existing.get()[1];
            } else {
                String email = users.find(worker).orElseThrow().email();
                account = gateway.createExpressAccount(worker, email, "connect-account-" + worker);
                enabled = false;
                db.tx(c -> Db.update(c, "INSERT INTO payout_account (worker_id, stripe_account_id, created_at) VALUES (?, ?, ?) "
                        + "ON CONFLICT (worker_id) DO NOTHING", worker, account, Timestamp.from(clock.instant())));
            }
            String link = gateway.onboardingLink(account, publicUrl + "/worker/#/payouts", publicUrl + "/worker/#/payouts");
            return new Onboarding(account, link, enabled);
        } catch (StripeGateway.GatewayException e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "stripe-unavailable", "Stripe did not answer: " + e.getMessage());
        }
    }

    @Post("/worker/payouts")
    @Secured(Role.WORKER_NAME)
    @Status(HttpStatus.CREATED)
    public PayoutService.Payout requestPayout(@Body @Valid PayoutRequest body, Authentication auth) {
        return payouts.request(Caller.of(auth).userId(), body.amountMinor());
    }

    @Get("/worker/payouts")
    @Secured(Role.WORKER_NAME)
    public List<PayoutService.Payout> payouts(Authentication auth) {
        return payouts.list(Caller.of(auth).userId());
    }

    /** Stripe calls this; the raw body is verified against the Stripe-Signature header. */
    @Post(value = "/stripe/webhook", consumes = MediaType.ALL)
    @Secured(SecurityRule.IS_ANONYMOUS)
    public java.util.Map<String, Object> webhook(@Body String payload, @Nullable @Header("Stripe-Signature") String signature) {
        return java.util.Map.of("received", true, "applied", webhooks.receive(payload, signature));
    }
}
