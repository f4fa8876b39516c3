package io.goldfinch.accounts;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** A user as the API shows it (never the password hash). */
@Serdeable
public record User(long id, String email, String displayName, List<String> roles, boolean blocked, List<String> skills) {
}
