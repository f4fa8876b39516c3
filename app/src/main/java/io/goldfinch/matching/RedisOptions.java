package io.goldfinch.matching;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * How the app's Redis client behaves when Redis is not there. While the connection is down, commands fail at once
 * instead of queueing until it is back (Lettuce's default), and a command that Redis does not answer fails after
 * {@code goldfinch.redis-timeout} (default 5 s; Lettuce's own default is 60 s). Either way a claim answers 503 with
 * Retry-After instead of holding the worker's request, and a server thread, for a minute. Reconnection stays automatic.
 * (The timeout is set here because Micronaut builds the client from {@code redis.uri} alone.)
 */
@Singleton
final class RedisOptions implements BeanCreatedEventListener<RedisClient> {
    private final Duration timeout;

    RedisOptions(@Value("${goldfinch.redis-timeout:5s}") Duration timeout) {
        this.timeout = checkTimeout(timeout);
    }

    /** More than nothing, at most a minute (Lettuce's own default, the longest a request should hang on Redis). */
    static Duration checkTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("goldfinch.redis-timeout must be more than 0 and at most 60s, got " + timeout);
        }
        return timeout;
    }

    @Override
    public RedisClient onCreated(BeanCreatedEvent<RedisClient> event) {
        RedisClient client = event.getBean();
        client.setOptions(client.getOptions().mutate()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return client;
    }
}
