package io.goldfinch.matching;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Lua scripts from the classpath, run by SHA and reloaded after a Redis restart or flush. */
@Singleton
public final class RedisScripts {

    private final StatefulRedisConnection<String, String> redis;
    private final Map<String, String> sources = new ConcurrentHashMap<>();
    private final Map<String, String> shas = new ConcurrentHashMap<>();

    public RedisScripts(StatefulRedisConnection<String, String> redis) {
        this.redis = redis;
    }

    public long evalLong(String name, String[] keys, String... args) {
        String sha = shas.computeIfAbsent(name, n -> redis.sync().scriptLoad(source(n)));
        try {
            Long result = redis.sync().evalsha(sha, ScriptOutputType.INTEGER, keys, args);
            return result == null ? 0 : result;
        } catch (RedisNoScriptException e) {
            shas.remove(name);
            Long result = redis.sync().eval(source(name), ScriptOutputType.INTEGER, keys, args);
            return result == null ? 0 : result;
        }
    }

    /**
     * Runs the script without waiting for its result. Commands sent later on this connection (a worker's next claim)
     * run after it, as Redis runs one connection's commands in order.
     */
    public CompletionStage<Long> evalLongLater(String name, String[] keys, String... args) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        RedisFuture<Long> sent;
        try {
            String sha = shas.computeIfAbsent(name, n -> redis.sync().scriptLoad(source(n)));
            sent = redis.async().evalsha(sha, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisException e) {
            // Redis unreachable (commands are refused while disconnected): the caller hears of it through the result,
            // as of any other failure, and does not fail its own request for it.
            result.completeExceptionally(e);
            return result;
        }
        sent.whenComplete((value, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null) {
                result.complete(value == null ? 0L : value);
            } else if (cause instanceof RedisNoScriptException) {
                shas.remove(name); // Redis lost its scripts (restart or flush): send the source this once
                RedisFuture<Long> again = redis.async().eval(source(name), ScriptOutputType.INTEGER, keys, args);
                again.whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(v == null ? 0L : v);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } else {
                result.completeExceptionally(cause);
            }
        });
        return result;
    }

    private String source(String name) {
        return sources.computeIfAbsent(name, n -> {
            try (InputStream in = RedisScripts.class.getResourceAsStream("/matching/" + n + ".lua")) {
                if (in == null) {
                    throw new IllegalStateException("missing Lua script " + n);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
