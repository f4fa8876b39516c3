package io.goldfinch.common;

import io.micronaut.http.HttpStatus;

import java.util.List;

/**
 * An error the API reports to its caller as application/problem+json: a 4xx status, or 503 when a part the request
 * needs is briefly unavailable (the response then says when to retry).
 */
public class ApiException extends RuntimeException {

    /** One problem with one field or row of the input. */
    public record FieldError(String field, String message) {
    }

    private final HttpStatus status;
    private final String type;
    private final List<FieldError> errors;
    private final Long retryAfterSeconds;

    public ApiException(HttpStatus status, String type, String detail) {
        this(status, type, detail, List.of());
    }

    public ApiException(HttpStatus status, String type, String detail, List<FieldError> errors) {
        this(status, type, detail, errors, null);
    }

    private ApiException(HttpStatus status, String type, String detail, List<FieldError> errors, Long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public HttpStatus status() {
        return status;
    }

    /** A short machine-readable slug, e.g. "insufficient-funds"; the problem type is a URN built from it. */
    public String type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** Seconds the caller should wait before trying again (Retry-After), or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "not-found", what + " not found");
    }

    public static ApiException badRequest(String type, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, detail);
    }

    public static ApiException invalid(String detail, List<FieldError> errors) {
        return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-input", detail, errors);
    }

    public static ApiException invalid(String field, String message) {
        return invalid(field + ": " + message, List.of(new FieldError(field, message)));
    }

    public static ApiException conflict(String type, String detail) {
        return new ApiException(HttpStatus.CONFLICT, type, detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "forbidden", detail);
    }

    /** 429: the caller has made too many such requests; the response says in how many seconds to try again. */
    public static ApiException tooManyRequests(String type, String detail, long retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, type, detail, List.of(), Math.max(1, retryAfterSeconds));
    }

    /** 503: the request is fine but cannot be served just now; the response carries Retry-After. */
    public static ApiException unavailable(String type, String detail) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, type, detail);
    }
}
