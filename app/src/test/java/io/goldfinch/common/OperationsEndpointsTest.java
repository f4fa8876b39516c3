package io.goldfinch.common;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI spec and Swagger UI, health and metrics, each with the access it should have. */
@MicronautTest
class OperationsEndpointsTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    StatefulRedisConnection<String, String> redis;

    @Test
    void theGeneratedOpenApiSpecDescribesTheLoopAndSwaggerUiIsServed() {
        String spec = client.toBlocking().retrieve("/swagger/goldfinch.yml");
        assertThat(spec).contains("openapi: 3").contains("/api/jobs/{id}/publish").contains("/api/worker/tasks/next")
                .contains("/api/jobs/{id}/results").contains("/api/auth/signin");
        assertThat(client.toBlocking().retrieve("/swagger-ui/index.html")).containsIgnoringCase("swagger");
    }

    @Test
    void healthIsPublicAndReportsTheDatabaseAndRedis() {
        String health = client.toBlocking().retrieve("/health");
        assertThat(health).contains("\"status\":\"UP\"").contains("jdbc").contains("redis");
    }

    @Test
    void metricsAreForAdminsOnly() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session worker = api.signUp("WORKER");
        assertThat(api.failure(HttpRequest.GET("/prometheus")).getStatus().getCode()).isEqualTo(401);
        assertThat(api.failure(api.as(worker, HttpRequest.GET("/prometheus"))).getStatus().getCode()).isEqualTo(403);
        String metrics = client.toBlocking().retrieve(api.as(api.admin(), HttpRequest.GET("/prometheus")));
        assertThat(metrics).contains("jvm_memory_used_bytes").contains("http_server_requests_seconds");
    }

    @Test
    void redisCommandLatenciesAreTimersWithoutHistograms() {
        redis.sync().ping();
        Api api = new Api(client.toBlocking(), users);
        String metrics = client.toBlocking().retrieve(api.as(api.admin(), HttpRequest.GET("/prometheus")));
        assertThat(metrics).contains("lettuce_command_completion_seconds_count{").contains("lettuce_command_completion_seconds_max{")
                .doesNotContain("lettuce_command_completion_seconds_bucket").doesNotContain("lettuce_command_firstresponse_seconds_bucket")
                .doesNotContain("lettuce_command_completion_seconds{").doesNotContain("lettuce_command_firstresponse_seconds{");
    }
}
