package io.goldfinch.events;

import com.sun.net.httpserver.HttpServer;
import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** With private targets refused (the production default), a webhook to 127.0.0.1 is never called; the delivery says why. */
@MicronautTest
@Property(name = "goldfinch.webhooks.allow-private-targets", value = "false")
class WebhookPrivateTargetTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    WebhookService webhooks;

    @Test
    void aLoopbackEndpointIsRefusedAndNeverCalled() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            Api api = new Api(client.toBlocking(), users);
            Api.Session requester = api.signUp("REQUESTER");
            Map<String, Object> endpoint = api.post(requester, "/api/webhooks",
                    Map.of("url", "http://localhost:" + receiver.getAddress().getPort() + "/hook", "events", List.of("ping")));
            long id = Api.num(endpoint.get("id"));
            api.exchange(api.as(requester, HttpRequest.POST("/api/webhooks/" + id + "/ping", "")));
            assertThat(webhooks.dispatchOnce()).isZero();
            assertThat(calls.get()).isZero();
            assertThat(api.getList(requester, "/api/webhooks/" + id + "/deliveries")).singleElement().satisfies(d -> {
                assertThat(d).containsEntry("status", "PENDING").containsEntry("attempts", 1);
                assertThat((String) d.get("lastError")).contains("private address");
            });
            // Removed, so that no later dispatch (in another test's context) picks its delivery up.
            api.exchange(api.as(requester, HttpRequest.DELETE("/api/webhooks/" + id)));
            assertThat(api.getList(requester, "/api/webhooks/" + id + "/deliveries")).singleElement()
                    .satisfies(d -> assertThat(d).containsEntry("status", "FAILED").containsEntry("lastError", "endpoint removed"));
        } finally {
            receiver.stop(0);
        }
    }
}
