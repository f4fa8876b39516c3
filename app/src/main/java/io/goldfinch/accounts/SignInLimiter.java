package io.goldfinch.accounts;

import io.goldfinch.common.ApiException;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Failed sign-ins are counted per account and per client address in fixed windows (Redis counters that expire with
 * their window, shared by every app instance); once either has used up its failures, sign-in from there or to that
 * account is refused with 429 and Retry-After until the window ends, even with the right password, so that passwords
 * cannot be guessed at the speed of the server. A successful sign-in clears the account's count. Windows follow the
 * injected clock. If Redis cannot be reached, sign-in is not held up: the limit is skipped and the failure logged.
 */
@Singleton
public final class SignInLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(SignInLimiter.class);

    private final StatefulRedisConnection<String, String> redis;
    private final Clock clock;
    private final int perAccount;
    private final int perAddress;
    private final long windowSeconds;

    public SignInLimiter(StatefulRedisConnection<String, String> redis, Clock clock,
                         @Value("${goldfinch.signin.failures-per-account:10}") int perAccount,
                         @Value("${goldfinch.signin.failures-per-address:50}") int perAddress,
                         @Value("${goldfinch.signin.window:15m}") Duration window) {
        this.redis = redis;
        this.clock = clock;
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.windowSeconds = Math.max(1, window.toSeconds());
    }

    /** Refuses (429) when the account or the address has no failures left in this window. */
    public void check(String email, String address) {
        long now = clock.instant().getEpochSecond();
        try {
            List<String> counts = redis.sync().mget(accountKey(email, now), addressKey(address, now)).stream()
                    .map(kv -> kv.getValueOrElse("0")).toList();
            if (Long.parseLong(counts.get(0)) >= perAccount || Long.parseLong(counts.get(1)) >= perAddress) {
                long left = windowSeconds - now % windowSeconds;
                throw ApiException.tooManyRequests("too-many-sign-in-attempts", "too many failed sign-ins; try again in " + left + " seconds", left);
            }
        } catch (RedisException e) {
            LOG.warn("sign-in limit not checked: {}", e.toString());
        }
    }

    /** Counts a failed sign-in against the account and the address. */
    public void failed(String email, String address) {
        long now = clock.instant().getEpochSecond();
        try {
            var commands = redis.sync();
            for (String key : List.of(accountKey(email, now), addressKey(address, now))) {
                commands.set(key, "0", SetArgs.Builder.nx().ex(windowSeconds)); // the counter expires with its window
                commands.incr(key);
            }
        } catch (RedisException e) {
            LOG.warn("failed sign-in not counted: {}", e.toString());
        }
    }

    /** The account's failures are forgotten once its owner signs in. */
    public void succeeded(String email) {
        try {
            redis.sync().del(accountKey(email, clock.instant().getEpochSecond()));
        } catch (RedisException e) {
            LOG.warn("sign-in count not cleared: {}", e.toString());
        }
    }

    private String accountKey(String email, long now) {
        return "signin:fail:account:" + sha256(email.trim().toLowerCase(Locale.ROOT)) + ":" + now / windowSeconds;
    }

    private String addressKey(String address, long now) {
        return "signin:fail:address:" + address + ":" + now / windowSeconds;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
