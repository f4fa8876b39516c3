package io.goldfinch.accounts;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.goldfinch.support.TestClock;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache in front of the JWT validator: it never accepts what the validator would refuse at that moment. */
class VerifiedTokenCacheTest {

    /** Stands in for Micronaut's validator: knows a few tokens, refuses unknown and expired ones, counts calls. */
    static final class CountingValidator implements ReactiveJsonWebTokenValidator<JWT, HttpRequest<?>> {
        final Map<String, JWTClaimsSet> known = new HashMap<>();
        final TestClock clock;
        int calls;

        CountingValidator(TestClock clock) {
            this.clock = clock;
        }

        @Override
        public Publisher<JWT> validate(String token, HttpRequest<?> request) {
            calls++;
            JWTClaimsSet claims = known.get(token);
            if (claims == null || (claims.getExpirationTime() != null
                    && !clock.instant().isBefore(claims.getExpirationTime().toInstant()))) {
                return Mono.empty();
            }
            return Mono.just(new PlainJWT(claims));
        }

        @Override
        public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
            throw new AssertionError("the cache asks for the JWT, not for an authentication");
        }
    }

    final TestClock clock = new TestClock();
    final CountingValidator validator = new CountingValidator(clock);

    VerifiedTokenCache cache(long keepSeconds) {
        return new VerifiedTokenCache(validator,
                jwt -> Optional.of(Authentication.build(subject(jwt), List.of("WORKER"))), clock, keepSeconds, 1000);
    }

    static String subject(JWT jwt) {
        try {
            return jwt.getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    String token(String name, String subject, Instant expires) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject);
        if (expires != null) {
            claims.expirationTime(Date.from(expires));
        }
        validator.known.put(name, claims.build());
        return name;
    }

    Optional<String> who(VerifiedTokenCache cache, String token) {
        return Mono.from(cache.validateToken(token, HttpRequest.GET("/api/me"))).blockOptional().map(Authentication::getName);
    }

    @Test
    void aVerifiedTokenIsServedFromMemoryUntilTheKeepWindowEnds() {
        VerifiedTokenCache cache = cache(300);
        String t = token("t1", "7", clock.instant().plus(Duration.ofHours(12)));
        assertThat(who(cache, t)).contains("7");
        assertThat(who(cache, t)).contains("7");
        assertThat(who(cache, t)).contains("7");
        assertThat(validator.calls).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(301));
        assertThat(who(cache, t)).contains("7");
        assertThat(validator.calls).as("verified again after the keep window").isEqualTo(2);
    }

    @Test
    void aRememberedTokenPastItsExpiryIsRefused() {
        VerifiedTokenCache cache = cache(300);
        String t = token("t2", "8", clock.instant().plus(Duration.ofSeconds(30)));
        assertThat(who(cache, t)).contains("8");
        clock.advance(Duration.ofSeconds(29));
        assertThat(who(cache, t)).contains("8");
        assertThat(validator.calls).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(who(cache, t)).isEmpty();
        assertThat(validator.calls).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void refusedTokensAndTokensWithoutExpiryAreNeverRemembered() {
        VerifiedTokenCache cache = cache(300);
        assertThat(who(cache, "forged")).isEmpty();
        assertThat(who(cache, "forged")).isEmpty();
        assertThat(validator.calls).isEqualTo(2);

        String forever = token("t3", "9", null);
        assertThat(who(cache, forever)).contains("9");
        assertThat(who(cache, forever)).contains("9");
        assertThat(validator.calls).isEqualTo(4);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aZeroKeepWindowTurnsTheCacheOff() {
        VerifiedTokenCache cache = cache(0);
        String t = token("t4", "10", clock.instant().plus(Duration.ofHours(1)));
        assertThat(who(cache, t)).contains("10");
        assertThat(who(cache, t)).contains("10");
        assertThat(validator.calls).isEqualTo(2);
    }
}
