package io.goldfinch.accounts;

import io.micronaut.security.authentication.Authentication;

/** The authenticated caller: the token's name is the user id. */
public record Caller(long userId, java.util.Collection<String> roles) {

    public static Caller of(Authentication authentication) {
        return new Caller(Long.parseLong(authentication.getName()), authentication.getRoles());
    }

    public boolean has(Role role) {
        return roles.contains(role.name());
    }

    /**
     * Which jobs the caller may see where quality managers oversee every job: null (any job) for a quality manager or
     * an admin, else the requester's own id (his jobs only).
     */
    public Long jobScope() {
        return has(Role.QUALITY_MANAGER) || has(Role.ADMIN) ? null : userId;
    }
}
