package io.goldfinch.payments;

import java.util.Optional;
import java.util.UUID;

/** The calls Goldfinch makes to Stripe. The implementation is stripe-java; tests point it at a local fake. */
public interface StripeGateway {

    record Session(String id, String url) {
    }

    /** A failed call: {@code definite} when Stripe refused it (nothing happened), otherwise the outcome is unknown. */
    final class GatewayException extends Exception {
        private final boolean definite;

        public GatewayException(String message, boolean definite, Throwable cause) {
            super(message, cause);
            this.definite = definite;
        }

        public boolean definite() {
            return definite;
        }
    }

    Session createCheckout(UUID checkoutId, long requesterId, long amountMinor, String currency, String successUrl, String cancelUrl)
            throws GatewayException;

    String createExpressAccount(long workerId, String email, String idempotencyKey) throws GatewayException;

    String onboardingLink(String accountId, String refreshUrl, String returnUrl) throws GatewayException;

    /** Creates a Transfer to a connected account; the idempotency key makes a retry return the first result. */
    String transfer(long amountMinor, String currency, String destination, String transferGroup, String idempotencyKey)
            throws GatewayException;

    /** The transfer made for this group, if Stripe has one (the reconciler's question). */
    Optional<String> findTransfer(String transferGroup) throws GatewayException;
}
