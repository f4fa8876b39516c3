package io.goldfinch.jobs;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A finished job's settings and golds in service, copied into a new draft; its items and deadline are not. */
@MicronautTest
class JobDuplicateTest {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;

    @Test
    void aJobIsDuplicatedIntoADraftWithItsSettingsAndGoldsInService() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.fundedRequester(api.admin());
        long job = api.publishedJob(requester, Map.of("title", "Reviews, round 1", "requiredSkills", List.of("de"), "maxTasksPerWorker", 7,
                        "minMedianSeconds", 2.0, "speedWindow", 4, "confidenceTarget", 0.97, "deadline", Instant.now().plus(30, ChronoUnit.DAYS).toString()),
                Api.itemsCsv("d", 3), "id,text,label,hint\ng1,\"review number 901\",negative,odd\ng2,\"review number 902\",positive,\ng3,\"review number 903\",negative,\n");
        api.post(requester, "/api/jobs/" + job + "/golds/retire", Map.of("item", "g3"));

        Map<String, Object> copy = api.exchange(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/duplicate", Map.of()))).body();
        assertThat(copy).containsEntry("title", "Reviews, round 1 (copy)").containsEntry("status", "DRAFT").containsEntry("itemCount", 0)
                .containsEntry("goldCount", 2).containsEntry("requiredSkills", List.of("de")).containsEntry("maxTasksPerWorker", 7)
                .containsEntry("minMedianSeconds", 2.0).containsEntry("speedWindow", 4).containsEntry("confidenceTarget", 0.97)
                .containsEntry("labels", List.of("positive", "negative"));
        assertThat(copy.get("deadline")).isNull();
        assertThat(Api.num(copy.get("id"))).isNotEqualTo(job);
        // The copied golds keep their keys and hints: the new job's gold health lists them.
        long copyId = Api.num(copy.get("id"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> golds = (List<Map<String, Object>>) api.get(requester, "/api/jobs/" + copyId + "/golds/health").get("golds");
        assertThat(golds).extracting(g -> g.get("item")).containsExactlyInAnyOrder("g1", "g2");
        assertThat(golds).filteredOn(g -> "g1".equals(g.get("item"))).singleElement().satisfies(g -> {
            assertThat(g.get("goldLabel")).isEqualTo("negative");
            assertThat(g.get("hint")).isEqualTo("odd");
        });

        Map<String, Object> bare = api.exchange(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/duplicate", Map.of("title", "Round 2", "golds", false)))).body();
        assertThat(bare).containsEntry("title", "Round 2").containsEntry("goldCount", 0);

        assertThat(api.failure(api.as(requester, HttpRequest.POST("/api/jobs/" + job + "/duplicate", Map.of("title", " ")))).getStatus().getCode()).isEqualTo(400);
        assertThat(api.failure(api.as(api.signUp("REQUESTER"), HttpRequest.POST("/api/jobs/" + job + "/duplicate", Map.of()))).getStatus().getCode()).isEqualTo(404);
    }
}
