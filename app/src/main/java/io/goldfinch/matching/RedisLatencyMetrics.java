package io.goldfinch.matching;

import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.lettuce.AbstractRedisConfiguration;
import io.micronaut.configuration.lettuce.ClientResourcesMutator;
import io.micronaut.configuration.lettuce.MetricsClientResourceMutator;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * Redis command latencies as plain timers: per command, a count, a total and a maximum, for first response and for
 * completion ({@code lettuce_command_*_seconds_count / _sum / _max}). Micronaut's own recorder gives each of those
 * timers a histogram and five percentiles computed in the app: every Redis command then updated rotating histograms,
 * and their buckets were three quarters of {@code /prometheus} (1,020 of 1,339 lines). Latency distributions of the
 * claim and submit paths are in the HTTP server's timers.
 */
@Singleton
@Replaces(MetricsClientResourceMutator.class)
@Requires(beans = MeterRegistry.class)
final class RedisLatencyMetrics implements ClientResourcesMutator {
    private final MeterRegistry registry;

    RedisLatencyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void mutate(ClientResources.Builder builder, AbstractRedisConfiguration config) {
        builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry,
                MicrometerOptions.builder().histogram(false).targetPercentiles(new double[0]).build()));
    }
}
