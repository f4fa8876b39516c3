package io.goldfinch.accounts;

import io.goldfinch.common.ApiException;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.generator.TokenGenerator;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Sign-up, sign-in (bearer token + HTTP-only cookie), the caller's profile, API keys and role grants. */
@Controller("/api")
@Tag(name = "accounts")
public class AuthController {

    public static final String COOKIE = "GOLDFINCH_JWT";

    /** Self-sign-up may only create these. */
    public enum SelfRole { WORKER, REQUESTER }

    @Serdeable
    public record SignUp(@NotBlank @Email @Size(max = 254) String email,
                         @NotBlank @Size(min = 10, max = 200) String password,
                         @NotBlank @Size(max = 100) String displayName,
                         @NotNull SelfRole role) {
    }

    @Serdeable
    public record SignIn(@NotBlank String email, @NotBlank String password) {
    }

    @Serdeable
    public record SignedIn(String accessToken, String tokenType, long expiresIn, User user) {
    }

    @Serdeable
    public record NewApiKey(@NotBlank @Size(max = 100) String name) {
    }

    @Serdeable
    public record RoleGrant(@NotEmpty List<Role> roles) {
    }

    @Serdeable
    public record BlockRequest(boolean blocked) {
    }

    @Serdeable
    public record SkillsRequest(@NotNull @Size(max = 50) List<@NotBlank @Size(max = 50) String> skills) {
    }

    private final UserStore users;
    private final PasswordHasher hasher;
    private final TokenGenerator tokens;
    private final ApiKeys apiKeys;
    private final long expirySeconds;
    private final SignInLimiter limiter;
    private final io.goldfinch.matching.WorkRecheck recheck;
    private final HttpClientAddressResolver addresses;

    public AuthController(UserStore users, PasswordHasher hasher, TokenGenerator tokens, ApiKeys apiKeys,
                          @Value("${micronaut.security.token.jwt.generator.access-token.expiration:43200}") long expirySeconds,
                          SignInLimiter limiter, HttpClientAddressResolver addresses, io.goldfinch.matching.WorkRecheck recheck) {
        this.recheck = recheck;
        this.limiter = limiter;
        this.addresses = addresses;
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.apiKeys = apiKeys;
        this.expirySeconds = expirySeconds;
    }

    @Post("/auth/signup")
    @Status(HttpStatus.CREATED)
    @Secured(SecurityRule.IS_ANONYMOUS)
    public User signUp(@Body @Valid SignUp body) {
        return users.create(body.email(), body.password(), body.displayName(), List.of(Role.valueOf(body.role().name())));
    }

    @Post("/auth/signin")
    @Secured(SecurityRule.IS_ANONYMOUS)
    public HttpResponse<SignedIn> signIn(HttpRequest<?> request, @Body @Valid SignIn body) {
        String address = java.util.Objects.requireNonNullElse(addresses.resolve(request), "unknown");
        limiter.check(body.email(), address);
        var found = users.credentials(body.email());
        boolean ok = hasher.matches(body.password(), found.map(UserStore.Credentials::passwordHash).orElse(null));
        if (!ok) {
            limiter.failed(body.email(), address);
            throw new ApiException(HttpStatus.UNAUTHORIZED, "bad-credentials", "email or password is wrong");
        }
        limiter.succeeded(body.email());
        User user = found.get().user();
        if (user.blocked()) {
            throw ApiException.forbidden("this account is blocked");
        }
        String token = tokens.generateToken(Authentication.build(String.valueOf(user.id()), user.roles(),
                                Map.of("email", user.email())), (int) expirySeconds)
                .orElseThrow(() -> new IllegalStateException("token generation failed"));
        Cookie cookie = Cookie.of(COOKIE, token).httpOnly(true).path("/").sameSite(SameSite.Strict)
                .maxAge(Duration.ofSeconds(expirySeconds));
        return HttpResponse.ok(new SignedIn(token, "Bearer", expirySeconds, user)).cookie(cookie);
    }

    @Post("/auth/signout")
    @Secured(SecurityRule.IS_ANONYMOUS)
    public HttpResponse<Void> signOut() {
        return HttpResponse.<Void>noContent().cookie(Cookie.of(COOKIE, "").httpOnly(true).path("/")
                .sameSite(SameSite.Strict).maxAge(0));
    }

    @Get("/me")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public User me(Authentication authentication) {
        return users.find(Caller.of(authentication).userId()).orElseThrow(() -> ApiException.notFound("user"));
    }

    @Post("/api-keys")
    @Status(HttpStatus.CREATED)
    @Secured(Role.REQUESTER_NAME)
    public ApiKeys.IssuedKey issueKey(@Body @Valid NewApiKey body, Authentication authentication) {
        return apiKeys.issue(Caller.of(authentication).userId(), body.name().trim());
    }

    @Get("/api-keys")
    @Secured(Role.REQUESTER_NAME)
    public List<ApiKeys.ApiKeyView> keys(Authentication authentication) {
        return apiKeys.list(Caller.of(authentication).userId());
    }

    @Delete("/api-keys/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Secured(Role.REQUESTER_NAME)
    public void revokeKey(@PathVariable long id, Authentication authentication) {
        apiKeys.revoke(Caller.of(authentication).userId(), id);
    }

    @Put("/admin/users/{id}/roles")
    @Secured(Role.ADMIN_NAME)
    public User grantRoles(@PathVariable long id, @Body @Valid RoleGrant body) {
        return users.setRoles(id, body.roles().stream().distinct().toList());
    }

    @Put("/admin/users/{id}/blocked")
    @Secured({Role.ADMIN_NAME, Role.QUALITY_MANAGER_NAME})
    public User block(@PathVariable long id, @Body BlockRequest body) {
        User user = users.setBlocked(id, body.blocked());
        if (body.blocked()) {
            recheck.worker(id); // items his answers closed early, judged again with his record as it is now
        }
        return user;
    }

    @Put("/admin/users/{id}/skills")
    @Secured({Role.ADMIN_NAME, Role.QUALITY_MANAGER_NAME})
    public User setSkills(@PathVariable long id, @Body @Valid SkillsRequest body) {
        return users.setSkills(id, body.skills().stream().map(String::trim).distinct().toList());
    }
}
