package io.goldfinch.common;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;

/** Time and randomness are injected everywhere, so expiry, review windows and gold draws are testable. */
@Factory
public class TimeAndChance {

    private static final Logger LOG = LoggerFactory.getLogger(TimeAndChance.class);

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Seeded from goldfinch.random-seed; 0 means a fresh seed, which is logged so a run can be replayed. */
    @Singleton
    RandomGenerator random(@Value("${goldfinch.random-seed:0}") long seed) {
        long effective = seed != 0 ? seed : new SecureRandom().nextLong();
        LOG.info("random seed {}", effective);
        return new SynchronizedRandom(effective);
    }

    /** A SplittableRandom shared by request threads. */
    static final class SynchronizedRandom implements RandomGenerator {
        private final java.util.SplittableRandom random;

        SynchronizedRandom(long seed) {
            this.random = new java.util.SplittableRandom(seed);
        }

        @Override
        public synchronized long nextLong() {
            return random.nextLong();
        }
    }
}
