package io.goldfinch.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWT;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.validator.JwtAuthenticationFactory;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Remembers which bearer tokens have already been verified, so that a worker's hundredth request in a minute does
 * not parse the JWT's JSON twice and recompute its HMAC again (a fifth of the server's CPU under load).
 *
 * <p>It runs before Micronaut's JWT validator. A token it has not seen goes through that validator unchanged
 * (signature, expiry and every claims validator); only a token the validator accepted is remembered, keyed by
 * the whole token text (signature included), and only until the earlier of its {@code exp} and
 * {@code goldfinch.auth.token-cache-seconds} after it was verified. A remembered token past its expiry is
 * forgotten and verified again, which rejects it. Nothing else changes: roles come from the token, as before,
 * and whether a worker is blocked is still checked in the database on every claim.
 */
@Singleton
public final class VerifiedTokenCache implements TokenValidator<HttpRequest<?>> {

    private record Verified(Authentication authentication, Instant notAfter) {
    }

    private final ReactiveJsonWebTokenValidator<JWT, HttpRequest<?>> jwtValidator;
    private final JwtAuthenticationFactory authenticationFactory;
    private final Clock clock;
    private final Duration keepFor;
    private final Cache<String, Verified> verified;

    public VerifiedTokenCache(ReactiveJsonWebTokenValidator<JWT, HttpRequest<?>> jwtValidator,
                              JwtAuthenticationFactory authenticationFactory, Clock clock,
                              @Value("${goldfinch.auth.token-cache-seconds:300}") long keepSeconds,
                              @Value("${goldfinch.auth.token-cache-size:100000}") long maxTokens) {
        this.jwtValidator = jwtValidator;
        this.authenticationFactory = authenticationFactory;
        this.clock = clock;
        this.keepFor = Duration.ofSeconds(Math.max(0, keepSeconds));
        this.verified = Caffeine.newBuilder().maximumSize(Math.max(1, maxTokens)).build();
    }

    /** Before the JWT validator (order 0), so a remembered token never reaches it. */
    @Override
    public int getOrder() {
        return -100;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        Instant now = clock.instant();
        Verified known = verified.getIfPresent(token);
        if (known != null) {
            if (now.isBefore(known.notAfter())) {
                return Mono.just(known.authentication());
            }
            verified.invalidate(token);
        }
        return Mono.from(jwtValidator.validate(token, request))
                .flatMap(jwt -> Mono.justOrEmpty(authenticationFactory.createAuthentication(jwt))
                        .doOnNext(authentication -> remember(token, jwt, authentication, now)));
    }

    private void remember(String token, JWT jwt, Authentication authentication, Instant verifiedAt) {
        if (keepFor.isZero()) {
            return;
        }
        Instant notAfter = verifiedAt.plus(keepFor);
        try {
            Date exp = jwt.getJWTClaimsSet().getExpirationTime();
            if (exp == null) {
                return; // a token without expiry is verified every time
            }
            if (exp.toInstant().isBefore(notAfter)) {
                notAfter = exp.toInstant();
            }
        } catch (ParseException e) {
            return;
        }
        verified.put(token, new Verified(authentication, notAfter));
    }

    /** How many verified tokens are remembered now (for tests and metrics). */
    public long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
