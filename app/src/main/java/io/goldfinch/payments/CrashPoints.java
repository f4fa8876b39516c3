package io.goldfinch.payments;

import jakarta.inject.Singleton;

/**
 * Named points in the payout flow where a test can make the process "die". Production never crashes on purpose:
 * this bean does nothing; tests replace it.
 */
@Singleton
public class CrashPoints {

    public static final String AFTER_PENDING = "after-pending";
    public static final String AFTER_SUBMITTED = "after-submitted";
    public static final String AFTER_STRIPE_CALL = "after-stripe-call";

    /** Raised where a test asked the flow to stop. */
    public static final class SimulatedCrash extends RuntimeException {
        public SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    public void reach(String point) {
        // no-op outside tests
    }
}
