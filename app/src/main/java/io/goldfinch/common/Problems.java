package io.goldfinch.common;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9457 problem details for every error the API returns: our own {@link ApiException}s, and Micronaut's own
 * errors (validation, unreadable JSON, unknown routes, missing authentication) through the replaced body provider.
 */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** Seconds a client should wait before retrying a 503. */
    public static final int RETRY_AFTER_SECONDS = 2;

    private Problems() {
    }

    public static Map<String, Object> body(HttpStatus status, String type, String detail, List<ApiException.FieldError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:goldfinch:problem:" + type);
        body.put("title", status.getReason());
        body.put("status", status.getCode());
        body.put("detail", detail);
        if (!errors.isEmpty()) {
            List<Map<String, String>> list = new ArrayList<>(errors.size());
            for (ApiException.FieldError e : errors) {
                list.add(Map.of("field", e.field(), "message", e.message()));
            }
            body.put("errors", list);
        }
        return body;
    }

    public static MutableHttpResponse<Map<String, Object>> response(HttpStatus status, String type, String detail) {
        return HttpResponse.<Map<String, Object>>status(status)
                .body(body(status, type, detail, List.of()))
                .contentType(MEDIA_TYPE);
    }

    /** A 503 says when to retry; other statuses are left as they are. */
    private static <T> MutableHttpResponse<T> withRetryAfter(MutableHttpResponse<T> response) {
        if (response.getStatus() == HttpStatus.SERVICE_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        }
        return response;
    }

    /** Our domain and input errors. */
    @Singleton
    @Produces(MEDIA_TYPE)
    public static final class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, ApiException e) {
            MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(e.status())
                    .body(body(e.status(), e.type(), e.getMessage(), e.errors()))
                    .contentType(MEDIA_TYPE);
            return e.retryAfterSeconds() != null ? response.header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds())) : withRetryAfter(response);
        }
    }

    /**
     * Redis unreachable or too slow (connection refused or lost, command timed out): 503 with Retry-After, not a 500,
     * and at once rather than after a long wait, since commands are refused while disconnected ({@code RedisOptions}).
     * An error that Redis itself returned (a script failing) is a fault of ours and stays a 500.
     */
    @Singleton
    @Produces(MEDIA_TYPE)
    public static final class RedisUnavailableHandler implements ExceptionHandler<RedisException, HttpResponse<?>> {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisUnavailableHandler.class);

        @Override
        public HttpResponse<?> handle(HttpRequest request, RedisException e) {
            if (e instanceof RedisCommandExecutionException) {
                LOG.error("Redis refused a command of {} {}", request.getMethod(), request.getPath(), e);
                return response(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "internal error; it has been logged");
            }
            LOG.warn("Redis unavailable for {} {}: {}", request.getMethod(), request.getPath(), e.toString());
            return withRetryAfter(response(HttpStatus.SERVICE_UNAVAILABLE, "matching-unavailable",
                    "task matching is briefly unavailable; retry in a few seconds"));
        }
    }

    /** Framework errors (bad JSON, constraint violations, 404/405 routes) rendered as problem+json. */
    @Singleton
    @Replaces(JsonErrorResponseBodyProvider.class)
    public static final class ProblemBodyProvider implements JsonErrorResponseBodyProvider<Map<String, Object>> {
        @Override
        public @NonNull Map<String, Object> body(@NonNull ErrorContext context, @NonNull HttpResponse<?> response) {
            HttpStatus status = response.getStatus();
            List<ApiException.FieldError> errors = new ArrayList<>();
            for (var error : context.getErrors()) {
                errors.add(new ApiException.FieldError(error.getPath().orElse(""), error.getMessage()));
            }
            String detail;
            if (status.getCode() >= 500) {
                detail = "internal error; it has been logged";
                errors.clear();
            } else if (errors.size() == 1) {
                detail = errors.get(0).message();
                if (errors.get(0).field().isEmpty()) {
                    errors.clear();
                }
            } else if (errors.isEmpty()) {
                detail = status.getReason();
            } else {
                detail = errors.size() + " problems with the request";
            }
            String type = switch (status.getCode()) {
                case 400 -> "bad-request";
                case 401 -> "unauthorized";
                case 403 -> "forbidden";
                case 404 -> "not-found";
                case 405 -> "method-not-allowed";
                case 413 -> "payload-too-large";
                case 415 -> "unsupported-media-type";
                default -> status.getCode() >= 500 ? "internal-error" : "bad-request";
            };
            return Problems.body(status, type, detail, errors);
        }

        @Override
        public String contentType() {
            return MEDIA_TYPE;
        }
    }

    /** 401/403 from the security filter as problem+json instead of an empty body. */
    @Singleton
    @Replaces(DefaultAuthorizationExceptionHandler.class)
    public static final class AuthorizationProblemHandler implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {
        @Override
        public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException e) {
            return e.isForbidden()
                    ? response(HttpStatus.FORBIDDEN, "forbidden", "your role does not allow this")
                    : response(HttpStatus.UNAUTHORIZED, "unauthorized", "sign in or send a valid bearer token or API key");
        }
    }
}
