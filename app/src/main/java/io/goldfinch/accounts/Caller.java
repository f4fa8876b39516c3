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
}
