package io.goldfinch.payments;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.StripeException;
import com.stripe.model.Transfer;
import com.stripe.net.RequestOptions;
import com.stripe.param.AccountCreateParams;
import com.stripe.param.AccountLinkCreateParams;
import com.stripe.param.TransferCreateParams;
import com.stripe.param.TransferListParams;
import com.stripe.param.checkout.SessionCreateParams;

import java.util.Optional;
import java.util.UUID;

/** {@link StripeGateway} over stripe-java. Every mutating call carries our own persisted idempotency key. */
final class StripeJavaGateway implements StripeGateway {

    private final StripeClient client;

    StripeJavaGateway(StripeClient client) {
        this.client = client;
    }

    private static RequestOptions key(String idempotencyKey) {
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    /** 4xx other than 409 (idempotent request in flight) and 429 means Stripe refused: nothing happened. */
    private static GatewayException wrap(StripeException e) {
        Integer status = e.getStatusCode();
        boolean definite = !(e instanceof ApiConnectionException) && !(e instanceof IdempotencyException)
                && status != null && status >= 400 && status < 500 && status != 409 && status != 429;
        return new GatewayException(e.getClass().getSimpleName() + " " + status + ": " + e.getMessage(), definite, e);
    }

    @Override
    public Session createCheckout(UUID checkoutId, long requesterId, long amountMinor, String currency, String successUrl,
                                  String cancelUrl) throws GatewayException {
        try {
            var session = client.v1().checkout().sessions().create(SessionCreateParams.builder()
                    .setMode(SessionCreateParams.Mode.PAYMENT)
                    .setClientReferenceId(String.valueOf(requesterId))
                    .putMetadata("goldfinch_checkout", checkoutId.toString())
                    .setSuccessUrl(successUrl)
                    .setCancelUrl(cancelUrl)
                    .addLineItem(SessionCreateParams.LineItem.builder().setQuantity(1L)
                            .setPriceData(SessionCreateParams.LineItem.PriceData.builder().setCurrency(currency).setUnitAmount(amountMinor)
                                    .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                            .setName("Goldfinch balance top-up").build()).build()).build())
                    .build(), key("checkout-" + checkoutId));
            return new Session(session.getId(), session.getUrl());
        } catch (StripeException e) {
            throw wrap(e);
        }
    }

    @Override
    public String createExpressAccount(long workerId, String email, String idempotencyKey) throws GatewayException {
        try {
            return client.v1().accounts().create(AccountCreateParams.builder().setType(AccountCreateParams.Type.EXPRESS)
                    .setEmail(email).putMetadata("goldfinch_worker", String.valueOf(workerId)).build(), key(idempotencyKey)).getId();
        } catch (StripeException e) {
            throw wrap(e);
        }
    }

    @Override
    public String onboardingLink(String accountId, String refreshUrl, String returnUrl) throws GatewayException {
        try {
            return client.v1().accountLinks().create(AccountLinkCreateParams.builder().setAccount(accountId)
                    .setType(AccountLinkCreateParams.Type.ACCOUNT_ONBOARDING).setRefreshUrl(refreshUrl).setReturnUrl(returnUrl).build()).getUrl();
        } catch (StripeException e) {
            throw wrap(e);
        }
    }

    @Override
    public String transfer(long amountMinor, String currency, String destination, String transferGroup, String idempotencyKey)
            throws GatewayException {
        try {
            return client.v1().transfers().create(TransferCreateParams.builder().setAmount(amountMinor).setCurrency(currency)
                    .setDestination(destination).setTransferGroup(transferGroup).build(), key(idempotencyKey)).getId();
        } catch (StripeException e) {
            throw wrap(e);
        }
    }

    @Override
    public Optional<String> findTransfer(String transferGroup) throws GatewayException {
        try {
            for (Transfer t : client.v1().transfers().list(TransferListParams.builder().setTransferGroup(transferGroup).setLimit(10L).build())
                    .getData()) {
                if (transferGroup.equals(t.getTransferGroup()) && !Boolean.TRUE.equals(t.getReversed())) {
                    return Optional.of(t.getId());
                }
            }
            return Optional.empty();
        } catch (StripeException e) {
            throw wrap(e);
        }
    }
}
