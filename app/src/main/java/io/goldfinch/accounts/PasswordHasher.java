package io.goldfinch.accounts;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;

/** bcrypt (at.favre.lib), cost from configuration. */
@Singleton
public final class PasswordHasher {

    private final int cost;
    /** A hash to compare against when the user does not exist, so that timing does not reveal which emails exist. */
    private final String decoy;

    public PasswordHasher(@Value("${goldfinch.bcrypt-cost:11}") int cost) {
        if (cost < 4 || cost > 16) {
            throw new IllegalArgumentException("goldfinch.bcrypt-cost must be within 4..16, was " + cost);
        }
        this.cost = cost;
        this.decoy = hash("decoy-password-never-used");
    }

    public String hash(String password) {
        return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
    }

    public boolean matches(String password, String hash) {
        return BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
                (hash == null ? decoy : hash).getBytes(StandardCharsets.UTF_8)).verified && hash != null;
    }
}
