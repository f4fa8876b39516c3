package io.goldfinch.events;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A requester's webhook endpoints: events about his jobs (job.progress in tenths, items.completed in batches,
 * job.completed; ping on request) are POSTed there signed with the endpoint's secret, retried with backoff, and can
 * be replayed.
 */
@Controller("/api/webhooks")
@Secured(Role.REQUESTER_NAME)
@Tag(name = "webhooks")
public class WebhooksController {

    /** {@code events}: the types to receive; absent or empty for all. */
    @Serdeable
    public record NewEndpoint(@NotBlank @Size(max = 2000) String url, @Nullable List<String> events) {
    }

    private final WebhookService webhooks;

    public WebhooksController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    /** Creates an endpoint; the response is the only place its signing secret appears. */
    @Post
    public HttpResponse<WebhookService.CreatedEndpoint> create(@Body @Valid NewEndpoint body, Authentication auth) {
        WebhookService.CreatedEndpoint e = webhooks.create(Caller.of(auth).userId(), body.url(), body.events());
        return HttpResponse.created(e, URI.create("/api/webhooks/" + e.id()));
    }

    @Get
    public List<WebhookService.Endpoint> list(Authentication auth) {
        return webhooks.endpoints(Caller.of(auth).userId());
    }

    /** Stops sending to the endpoint; pending deliveries to it fail. */
    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable long id, Authentication auth) {
        webhooks.deactivate(Caller.of(auth).userId(), id);
    }

    /** Queues a ping event to this endpoint. */
    @Post("/{id}/ping")
    @Consumes(MediaType.ALL)
    @Status(HttpStatus.ACCEPTED)
    public Map<String, Long> ping(@PathVariable long id, Authentication auth) {
        return Map.of("eventId", webhooks.ping(Caller.of(auth).userId(), id));
    }

    /** The endpoint's deliveries, newest first (at most 200): status, attempts, next attempt, last HTTP status or error. */
    @Get("/{id}/deliveries")
    public List<WebhookService.Delivery> deliveries(@PathVariable long id, Authentication auth) {
        return webhooks.deliveries(Caller.of(auth).userId(), id);
    }

    /** Sends a delivery again: same event id and body, a fresh set of attempts. */
    @Post("/deliveries/{id}/replay")
    @Consumes(MediaType.ALL)
    @Status(HttpStatus.ACCEPTED)
    public WebhookService.Delivery replay(@PathVariable long id, Authentication auth) {
        return webhooks.replay(Caller.of(auth).userId(), id);
    }
}
