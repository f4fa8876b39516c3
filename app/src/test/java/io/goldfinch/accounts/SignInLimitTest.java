package io.goldfinch.accounts;

import io.goldfinch.support.Api;
import io.goldfinch.support.TestClock;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed sign-ins are limited per account and per client address (here taken from X-Forwarded-For, as behind a
 * proxy), with 429 and Retry-After once used up, even for the right password, until the window ends.
 */
@MicronautTest
@Property(name = "micronaut.server.client-address-header", value = "X-Forwarded-For")
@Property(name = "goldfinch.signin.failures-per-account", value = "3")
@Property(name = "goldfinch.signin.failures-per-address", value = "5")
@Property(name = "goldfinch.signin.window", value = "15m")
class SignInLimitTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    TestClock clock;

    private HttpResponse<Map> signIn(String email, String password, String address) {
        return client.toBlocking().exchange(HttpRequest.POST("/api/auth/signin", Map.of("email", email, "password", password))
                .header("X-Forwarded-For", address), Map.class);
    }

    private int status(String email, String password, String address) {
        try {
            return signIn(email, password, address).getStatus().getCode();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    /** A client address of its own for each use, so that tests do not share counts. */
    private static String address() {
        int r = UUID.randomUUID().hashCode();
        return "10." + (r >>> 16 & 0xff) + "." + (r >>> 8 & 0xff) + "." + (r & 0xff);
    }

    @Test
    void anAccountGuessedAtTooOftenIsClosedToSignInUntilTheWindowEnds() {
        Api api = new Api(client.toBlocking(), users);
        String victim = api.signUp("WORKER").email();
        String other = api.signUp("WORKER").email();
        String from = address();
        for (int i = 0; i < 3; i++) {
            assertThat(status(victim, "guess number " + i, from)).isEqualTo(401);
        }
        // The right password from anywhere is refused now, and says for how long.
        HttpClientResponseException refused = (HttpClientResponseException) org.assertj.core.api.Assertions.catchThrowable(
                () -> signIn(victim, Api.PASSWORD, address()));
        assertThat(refused.getStatus().getCode()).isEqualTo(429);
        assertThat(refused.getResponse().getHeaders().get("Content-Type")).contains("application/problem+json");
        assertThat(refused.getResponse().getBody(String.class).orElseThrow()).contains("urn:goldfinch:problem:too-many-sign-in-attempts");
        long retryAfter = Long.parseLong(refused.getResponse().getHeaders().get("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 900L);
        // Other accounts are not held up by it.
        assertThat(status(other, Api.PASSWORD, from)).isEqualTo(200);

        clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(status(victim, Api.PASSWORD, from)).isEqualTo(200);
    }

    @Test
    void anAddressTryingManyAccountsIsRefusedAndOthersAreNot() {
        Api api = new Api(client.toBlocking(), users);
        String account = api.signUp("REQUESTER").email();
        String from = address();
        for (int i = 0; i < 5; i++) {
            assertThat(status("nobody-" + UUID.randomUUID() + "@example.com", "password " + i, from)).isEqualTo(401);
        }
        assertThat(status(account, Api.PASSWORD, from)).isEqualTo(429);
        assertThat(status(account, Api.PASSWORD, "203.0.113.9")).isEqualTo(200);
    }

    @Test
    void signingInClearsTheAccountsFailures() {
        Api api = new Api(client.toBlocking(), users);
        String email = api.signUp("WORKER").email();
        String from = address();
        assertThat(status(email, "typo one", from)).isEqualTo(401);
        assertThat(status(email, "typo two", from)).isEqualTo(401);
        assertThat(status(email, Api.PASSWORD, from)).isEqualTo(200);
        assertThat(status(email, "typo three", from)).isEqualTo(401);
        assertThat(status(email, "typo four", from)).as("two failures since the last sign-in, not four").isEqualTo(401);
        // A blank password is refused as bad input (400) and not counted: counted, it would be the third failure.
        assertThat(status(email, "", from)).isEqualTo(400);
        assertThat(status(email, Api.PASSWORD, from)).isEqualTo(200);
    }
}
