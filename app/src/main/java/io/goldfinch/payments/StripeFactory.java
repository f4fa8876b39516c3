package io.goldfinch.payments;

import com.stripe.StripeClient;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * Stripe is wired only when a secret key is configured (GOLDFINCH_STRIPE_SECRET_KEY). Without one, no gateway bean
 * exists and payments run offline: funding by ADMIN credit, payouts recorded as OFFLINE.
 */
@Factory
class StripeFactory {

    @Singleton
    @Requires(property = "goldfinch.stripe.secret-key", pattern = ".+")
    StripeGateway stripeGateway(@Value("${goldfinch.stripe.secret-key}") String secretKey,
                                @Value("${goldfinch.stripe.api-base:`https://api.stripe.com`}") String apiBase,
                                @Value("${goldfinch.stripe.read-timeout-ms:20000}") int readTimeoutMs) {
        // Retries are ours (the reconciler, with our persisted keys); stripe-java's own would add random keys.
        return new StripeJavaGateway(StripeClient.builder().setApiKey(secretKey).setApiBase(apiBase)
                .setMaxNetworkRetries(0).setReadTimeout(readTimeoutMs).setConnectTimeout(5_000).build());
    }
}
