package io.goldfinch.review;

import io.goldfinch.accounts.Caller;
import io.goldfinch.accounts.Role;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.UUID;

/** A requester approves or rejects submitted answers on their own jobs. */
@Controller("/api/assignments/{id}")
@Secured(Role.REQUESTER_NAME)
@Tag(name = "review")
public class ReviewController {

    @Serdeable
    public record Rejection(@NotBlank @Size(min = 5, max = 2000) String reason) {
    }

    @Serdeable
    public record Reviewed(UUID assignmentId, String status) {
    }

    private final ReviewService reviews;

    public ReviewController(ReviewService reviews) {
        this.reviews = reviews;
    }

    @Post("/approve")
    @Consumes(MediaType.ALL)
    public Reviewed approve(@PathVariable UUID id, Authentication auth) {
        return new Reviewed(id, reviews.approve(Caller.of(auth).userId(), id));
    }

    @Post("/reject")
    public Reviewed reject(@PathVariable UUID id, @Body @Valid Rejection body, Authentication auth) {
        return new Reviewed(id, reviews.reject(Caller.of(auth).userId(), id, body.reason()));
    }
}
