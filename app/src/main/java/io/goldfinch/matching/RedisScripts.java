package io.goldfinch.matching;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
