package io.goldfinch.accounts;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Map;

/** Authenticates requests carrying an {@code X-Api-Key} header. */
@Singleton
public final class ApiKeyAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {

    public static final String HEADER = "X-Api-Key";

    private final ApiKeys apiKeys;

    public ApiKeyAuthenticationFetcher(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        String key = request.getHeaders().get(HEADER);
        if (key == null || key.isBlank()) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> apiKeys.authenticate(key.trim()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(user -> user.map(u -> Mono.just(Authentication.build(String.valueOf(u.id()), u.roles(),
                        Map.of("email", u.email(), "via", "api-key")))).orElseGet(Mono::empty));
    }
}
