package io.goldfinch.accounts;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requester API keys: 256 random bits shown once; only their SHA-256 is stored (a key is high-entropy, so a fast hash
 * is the right tool, unlike passwords).
 */
@Singleton
public final class ApiKeys {

    @Serdeable
    public record ApiKeyView(long id, String name, String prefix, Instant createdAt, Instant revokedAt) {
    }

    @Serdeable
    public record IssuedKey(long id, String name, String prefix, String key) {
    }

    private static final long CACHE_MILLIS = 30_000;

    private record Cached(Optional<User> user, long expiresAtMillis) {
    }

    private final Db db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeys(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public IssuedKey issue(long userId, String name) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String key = "gf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String prefix = key.substring(0, 10);
        long id = db.tx(c -> Db.scalarLong(c,
                "INSERT INTO api_key (user_id, name, prefix, key_sha256, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                userId, name, prefix, sha256(key), Timestamp.from(clock.instant())));
        return new IssuedKey(id, name, prefix, key);
    }

    public List<ApiKeyView> list(long userId) {
        return db.tx(c -> Db.list(c, rs -> new ApiKeyView(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("revoked_at") == null ? null : rs.getTimestamp("revoked_at").toInstant()),
                "SELECT id, name, prefix, created_at, revoked_at FROM api_key WHERE user_id = ? ORDER BY id", userId));
    }

    public void revoke(long userId, long keyId) {
        int n = db.tx(c -> Db.update(c,
                "UPDATE api_key SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND user_id = ?",
                Timestamp.from(clock.instant()), keyId, userId));
        if (n == 0) {
            throw ApiException.notFound("API key");
        }
        cache.clear();
    }

    /** The active, unblocked user owning this key. */
    public Optional<User> authenticate(String key) {
        String digest = sha256(key);
        long now = clock.millis();
        Cached cached = cache.get(digest);
        if (cached != null && cached.expiresAtMillis() > now) {
            return cached.user();
        }
        Optional<User> user = db.tx(c -> Db.one(c, UserStore::map,
                "SELECT u.id, u.email, u.display_name, u.roles, u.blocked, u.skills FROM api_key k JOIN app_user u ON u.id = k.user_id "
                        + "WHERE k.key_sha256 = ? AND k.revoked_at IS NULL AND NOT u.blocked", digest));
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(digest, new Cached(user, now + CACHE_MILLIS));
        return user;
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
