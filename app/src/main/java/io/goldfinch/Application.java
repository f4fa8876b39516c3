package io.goldfinch;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityScheme;


@OpenAPIDefinition(
        info = @Info(title = "Goldfinch", version = "0.1",
                description = "Crowdsourcing marketplace engine: jobs, matching, gold-based quality, aggregation, ledger.",
                license = @License(name = "Apache-2.0")))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.APIKEY, in = io.swagger.v3.oas.annotations.enums.SecuritySchemeIn.HEADER,
        paramName = "X-Api-Key")
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "aggregate".equals(args[0])) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(io.goldfinch.aggregation.cli.AggregateCommand.run(rest, System.out, System.err));
        }
        Micronaut.run(Application.class, args);
    }
}
