package io.goldfinch.accounts;

import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.generator.TokenGenerator;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.goldfinch.support.Api.num;
import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class AccountsAndScopingTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    VerifiedTokenCache tokenCache;
    @Inject
    TokenGenerator tokens;

    Api api() {
        return new Api(client.toBlocking(), users);
    }

    @Test
    void signUpSignInAndTheProfileShowNoSecrets() {
        Api api = api();
        Api.Session worker = api.signUp("WORKER");
        Map<String, Object> me = api.get(worker, "/api/me");
        assertThat(me.get("email")).isEqualTo(worker.email());
        assertThat(me.get("roles")).isEqualTo(List.of("WORKER"));
        assertThat(me).doesNotContainKeys("passwordHash", "password_hash", "password");
        String stored = users.credentials(worker.email()).orElseThrow().passwordHash();
        assertThat(stored).startsWith("$2").doesNotContain(Api.PASSWORD);
    }

    @Test
    void signInSetsAnHttpOnlyCookieThatAuthenticates() {
        Api api = api();
        String email = Api.uniqueEmail("cookie");
        client.toBlocking().retrieve(HttpRequest.POST("/api/auth/signup",
                Map.of("email", email, "password", Api.PASSWORD, "displayName", "C", "role", "REQUESTER")), Map.class);
        var response = client.toBlocking().exchange(HttpRequest.POST("/api/auth/signin", Map.of("email", email, "password", Api.PASSWORD)), Map.class);
        String setCookie = response.getHeaders().get("Set-Cookie");
        assertThat(setCookie).contains("GOLDFINCH_JWT=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Map<?, ?> me = client.toBlocking().retrieve(HttpRequest.GET("/api/me").header("Cookie", cookie), Map.class);
        assertThat(me.get("email")).isEqualTo(email);
    }

    @Test
    void selfSignUpCannotCreateAnAdminOrQualityManager() {
        for (String role : List.of("ADMIN", "QUALITY_MANAGER")) {
            HttpClientResponseException e = api().failure(HttpRequest.POST("/api/auth/signup",
                    Map.of("email", Api.uniqueEmail("x"), "password", Api.PASSWORD, "displayName", "X", "role", role)));
            assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
            assertThat(e.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
        }
    }

    @Test
    void duplicateEmailWrongPasswordAndMissingTokenAreClearErrors() {
        Api api = api();
        Api.Session worker = api.signUp("WORKER");
        HttpClientResponseException dup = api.failure(HttpRequest.POST("/api/auth/signup",
                Map.of("email", worker.email().toUpperCase(), "password", Api.PASSWORD, "displayName", "X", "role", "WORKER")));
        assertThat(dup.getStatus().getCode()).isEqualTo(HttpStatus.CONFLICT.getCode());
        assertThat(dup.getResponse().getBody(String.class).orElseThrow()).contains("urn:goldfinch:problem:email-taken");

        HttpClientResponseException wrong = api.failure(HttpRequest.POST("/api/auth/signin", Map.of("email", worker.email(), "password", "not the password")));
        assertThat(wrong.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode());

        HttpClientResponseException anonymous = api.failure(HttpRequest.GET("/api/me"));
        assertThat(anonymous.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
        assertThat(anonymous.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");

        HttpClientResponseException forged = api.failure(HttpRequest.GET("/api/me").bearerAuth(worker.token() + "x"));
        assertThat(forged.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
    }

    @Test
    void aTokenAlreadyAcceptedDoesNotLetAnAlteredOrExpiredOneThrough() {
        Api api = api();
        Api.Session worker = api.signUp("WORKER");
        long before = tokenCache.size();
        assertThat(num(api.get(worker, "/api/me").get("id"))).isEqualTo(worker.id());
        assertThat(num(api.get(worker, "/api/me").get("id"))).isEqualTo(worker.id());
        assertThat(tokenCache.size()).as("the verified token is remembered").isGreaterThan(before);

        String token = worker.token();
        // Alter the signature's first character: its last one carries two padding bits that decoders may ignore, so
        // changing it (say B to A) can leave the decoded signature as it was.
        int sig = token.lastIndexOf('.') + 1;
        char first = token.charAt(sig);
        String altered = token.substring(0, sig) + (first == 'A' ? 'Q' : 'A') + token.substring(sig + 1);
        assertThat(api.failure(HttpRequest.GET("/api/me").bearerAuth(altered)).getStatus().getCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
        String otherClaims = tokens.generateToken(Authentication.build(String.valueOf(worker.id() + 1), List.of("ADMIN")), 600)
                .orElseThrow();
        String spliced = otherClaims.substring(0, otherClaims.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));
        assertThat(api.failure(HttpRequest.GET("/api/me").bearerAuth(spliced)).getStatus().getCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
        String expired = tokens.generateToken(Authentication.build(String.valueOf(worker.id()), List.of("WORKER")), -60)
                .orElseThrow();
        assertThat(api.failure(HttpRequest.GET("/api/me").bearerAuth(expired)).getStatus().getCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
        assertThat(num(api.get(worker, "/api/me").get("id"))).isEqualTo(worker.id());
    }

    @Test
    void rolesGuardEveryEndpoint() {
        Api api = api();
        Api.Session worker = api.signUp("WORKER");
        Api.Session requester = api.signUp("REQUESTER");
        assertThat(api.failure(api.as(worker, HttpRequest.GET("/api/jobs"))).getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode());
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/worker/tasks/next", ""))).getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode());
        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/admin/accounts/" + requester.id() + "/credit",
                Map.of("amountMinor", 100, "reference", "self")))).getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode());
        assertThat(api.failure(api.as(worker, HttpRequest.PUT("/api/admin/users/" + worker.id() + "/roles",
                Map.of("roles", List.of("ADMIN"))))).getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode());
    }

    @Test
    void anAdminGrantsQualityManagerAndTheNewTokenCarriesIt() {
        Api api = api();
        Api.Session admin = api.admin();
        Api.Session worker = api.signUp("WORKER");
        Map<String, Object> updated = client.toBlocking().retrieve(api.as(admin, HttpRequest.PUT("/api/admin/users/" + worker.id() + "/roles",
                Map.of("roles", List.of("WORKER", "QUALITY_MANAGER")))), Map.class);
        assertThat(updated.get("roles")).isEqualTo(List.of("WORKER", "QUALITY_MANAGER"));
        Api.Session again = api.signIn(worker.email(), worker.id());
        assertThat(api.get(again, "/api/me").get("roles")).isEqualTo(List.of("WORKER", "QUALITY_MANAGER"));
    }

    @Test
    void apiKeysAuthenticateUntilRevokedAndAreScopedToTheirOwner() {
        Api api = api();
        Api.Session requester = api.signUp("REQUESTER");
        Api.Session other = api.signUp("REQUESTER");
        Map<String, Object> issued = api.post(requester, "/api/api-keys", Map.of("name", "ci"));
        String key = (String) issued.get("key");
        assertThat(key).startsWith("gf_");
        Map<?, ?> me = client.toBlocking().retrieve(HttpRequest.GET("/api/me").header("X-Api-Key", key), Map.class);
        assertThat(num(me.get("id"))).isEqualTo(requester.id());
        assertThat(api.getList(requester, "/api/api-keys")).singleElement().satisfies(k -> assertThat(k).doesNotContainKey("key"));

        long keyId = num(issued.get("id"));
        assertThat(api.failure(api.as(other, HttpRequest.DELETE("/api/api-keys/" + keyId))).getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        client.toBlocking().exchange(api.as(requester, HttpRequest.DELETE("/api/api-keys/" + keyId)));
        HttpClientResponseException revoked = api.failure(HttpRequest.GET("/api/me").header("X-Api-Key", key));
        assertThat(revoked.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
    }

    @Test
    void anotherRequestersJobIsNotFoundOnEveryRoute() {
        Api api = api();
        Api.Session owner = api.signUp("REQUESTER");
        Api.Session stranger = api.signUp("REQUESTER");
        long job = api.createJob(owner, Map.of());
        for (String path : List.of("", "/quote", "/progress", "/results", "/answers")) {
            HttpClientResponseException e = api.failure(api.as(stranger, HttpRequest.GET("/api/jobs/" + job + path)));
            assertThat(e.getStatus().getCode()).as(path).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        }
        assertThat(api.failure(api.as(stranger, HttpRequest.POST("/api/jobs/" + job + "/publish", ""))).getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        assertThat(api.failure(api.as(stranger, HttpRequest.POST("/api/jobs/" + job + "/items", Api.itemsCsv("x", 2)).contentType("text/csv")))
                .getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
        assertThat(api.getList(stranger, "/api/jobs")).isEmpty();
        assertThat(api.getList(owner, "/api/jobs")).hasSize(1);
    }
}
