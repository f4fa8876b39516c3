package io.goldfinch.demo;

import io.goldfinch.accounts.Role;
import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.Db;
import io.goldfinch.jobs.ItemParser;
import io.goldfinch.jobs.JobService;
import io.goldfinch.jobs.JobSpec;
import io.goldfinch.ledger.Ledger;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * At start-up: creates the configured admin, and with goldfinch.demo.enabled a small demo (accounts, a funded and
 * published sentiment job with golds); then prints where everything is.
 */
@Singleton
public class Bootstrap implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    static final String DEMO_PASSWORD = "goldfinch-demo";
    private static final String[][] DEMO_ITEMS = {
            {"r1", "The battery lasts all day and charges fast."}, {"r2", "Stopped working after a week."},
            {"r3", "Exactly as described, would buy again."}, {"r4", "The screen cracked in the box."},
            {"r5", "Customer service sorted my problem in minutes."}, {"r6", "Too loud, and the fan rattles."},
            {"r7", "Lovely colour and very comfortable."}, {"r8", "Arrived late and the wrong size."},
            {"r9", "Best purchase I made this year."}, {"r10", "The instructions were useless."},
            {"r11", "Works fine, nothing special, but fine."}, {"r12", "Smells of chemicals; returned it."},
            {"r13", "Sturdy, light, and easy to clean."}, {"r14", "Broke the first time I used it."},
            {"r15", "My kids love it."}, {"r16", "Overpriced for what it is."},
            {"r17", "Setup took two minutes."}, {"r18", "Leaks every time."},
            {"r19", "Great value."}, {"r20", "Would not recommend to anyone."}};

    private final UserStore users;
    private final JobService jobs;
    private final Ledger ledger;
    private final Db db;
    private final boolean demo;
    private final String adminEmail;
    private final String adminPassword;

    public Bootstrap(UserStore users, JobService jobs, Ledger ledger, Db db,
                     @Value("${goldfinch.demo.enabled:false}") boolean demo,
                     @Value("${goldfinch.admin.email:}") String adminEmail,
                     @Value("${goldfinch.admin.password:}") String adminPassword) {
        this.users = users;
        this.jobs = jobs;
        this.ledger = ledger;
        this.db = db;
        this.demo = demo;
        this.adminEmail = adminEmail;
        this.adminPassword = adminPassword;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (!adminEmail.isBlank() && !adminPassword.isBlank() && users.credentials(adminEmail).isEmpty()) {
            users.create(adminEmail, adminPassword, "Administrator", List.of(Role.ADMIN, Role.QUALITY_MANAGER));
            LOG.info("created admin {}", adminEmail);
        }
        String base = event.getSource().getURL().toString().replaceAll("/$", "");
        if (demo) {
            loadDemo();
        }
        StringBuilder banner = new StringBuilder("\n\n  Goldfinch is running\n")
                .append("    worker portal     ").append(base).append("/worker/\n")
                .append("    requester portal  ").append(base).append("/requester/\n")
                .append("    API docs          ").append(base).append("/swagger-ui/\n")
                .append("    OpenAPI spec      ").append(base).append("/swagger/goldfinch.yml\n")
                .append("    health            ").append(base).append("/health\n");
        if (demo) {
            banner.append("  Demo logins (password '").append(DEMO_PASSWORD).append("'):\n")
                    .append("    admin@demo.goldfinch.dev      ADMIN, QUALITY_MANAGER\n")
                    .append("    requester@demo.goldfinch.dev  REQUESTER (funded, one published job)\n")
                    .append("    worker1@demo.goldfinch.dev .. worker3@demo.goldfinch.dev  WORKER\n");
        }
        LOG.info(banner.toString());
    }

    private void loadDemo() {
        if (users.credentials("requester@demo.goldfinch.dev").isPresent()) {
            return;
        }
        users.create("admin@demo.goldfinch.dev", DEMO_PASSWORD, "Demo admin", List.of(Role.ADMIN, Role.QUALITY_MANAGER));
        long requester = users.create("requester@demo.goldfinch.dev", DEMO_PASSWORD, "Demo requester", List.of(Role.REQUESTER)).id();
        for (int i = 1; i <= 3; i++) {
            users.create("worker" + i + "@demo.goldfinch.dev", DEMO_PASSWORD, "Demo worker " + i, List.of(Role.WORKER));
        }
        db.tx(c -> ledger.post(c, new Ledger.Transfer("credit:" + requester + ":demo", Ledger.FUNDING,
                Ledger.requesterAvailable(requester), 50_000, "FUNDING", null, null, "demo funds")));
        long job = jobs.create(requester, JobSpec.basic("Product review sentiment",
                "Read the review. Is the customer **happy** with the product?\n\n- *positive*: satisfied\n- *negative*: unhappy",
                List.of("positive", "negative"), 5, 1, 3, 0.15, 24)).id();
        StringBuilder items = new StringBuilder("id,text\n");
        for (String[] item : DEMO_ITEMS) {
            items.append(item[0]).append(",\"").append(item[1]).append("\"\n");
        }
        jobs.upload(requester, job, false, ItemParser.Format.CSV, stream(items.toString()));
        jobs.upload(requester, job, true, ItemParser.Format.CSV, stream("""
                id,text,label
                g1,"Absolutely love it, five stars.",positive
                g2,"Terrible. It fell apart immediately.",negative
                g3,"Does everything I hoped for.",positive
                g4,"Waste of money.",negative
                """));
        jobs.publish(requester, job);
        LOG.info("demo data loaded: job {}", job);
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
