package io.goldfinch.common;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

import java.net.URI;

/** The bare host name leads to the worker portal, the page most visitors want. */
@Controller
@Hidden
public class HomeController {

    @Get
    @Secured(SecurityRule.IS_ANONYMOUS)
    public HttpResponse<Void> home() {
        return HttpResponse.seeOther(URI.create("/worker/"));
    }
}
