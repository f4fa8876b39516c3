package io.goldfinch.support;

import io.goldfinch.accounts.Role;
import io.goldfinch.accounts.UserStore;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** A small black-box client for the REST API, used by the HTTP tests. */
public final class Api {

    private static final AtomicLong SEQ = new AtomicLong();
    public static final String PASSWORD = "correct horse battery";

    private final BlockingHttpClient http;
    private final UserStore users;

    public Api(BlockingHttpClient http, UserStore users) {
        this.http = http;
        this.users = users;
    }

    /** A signed-in user. */
    public record Session(long id, String email, String token) {
    }

    public static String uniqueEmail(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + SEQ.incrementAndGet() + "@test.goldfinch.dev";
    }

    public Session signUp(String role) {
        String email = uniqueEmail(role.toLowerCase());
        Map<?, ?> user = http.retrieve(HttpRequest.POST("/api/auth/signup",
                Map.of("email", email, "password", PASSWORD, "displayName", "Test " + role, "role", role)), Map.class);
        return signIn(email, ((Number) user.get("id")).longValue());
    }

    public Session admin() {
        String email = uniqueEmail("admin");
        long id = users.create(email, PASSWORD, "Test admin", List.of(Role.ADMIN, Role.QUALITY_MANAGER)).id();
        return signIn(email, id);
    }

    public Session signIn(String email, long id) {
        Map<?, ?> signedIn = http.retrieve(HttpRequest.POST("/api/auth/signin", Map.of("email", email, "password", PASSWORD)), Map.class);
        return new Session(id, email, (String) signedIn.get("accessToken"));
    }

    public <T> MutableHttpRequest<T> as(Session s, MutableHttpRequest<T> request) {
        return request.bearerAuth(s.token());
    }

    public Map<String, Object> get(Session s, String path) {
        return http.retrieve(as(s, HttpRequest.GET(path)), Argument.mapOf(String.class, Object.class));
    }

    public List<Map<String, Object>> getList(Session s, String path) {
        return http.retrieve(as(s, HttpRequest.GET(path)), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    public String getText(Session s, String path) {
        return http.retrieve(as(s, HttpRequest.GET(path)), String.class);
    }

    public Map<String, Object> post(Session s, String path, Object body) {
        return http.retrieve(as(s, HttpRequest.POST(path, body)), Argument.mapOf(String.class, Object.class));
    }

    public HttpResponse<Map<String, Object>> exchange(MutableHttpRequest<?> request) {
        return http.exchange(request, Argument.mapOf(String.class, Object.class));
    }

    public Map<String, Object> upload(Session s, long jobId, String kind, String contentType, String body) {
        return http.retrieve(as(s, HttpRequest.POST("/api/jobs/" + jobId + "/" + kind, body).contentType(contentType)),
                Argument.mapOf(String.class, Object.class));
    }

    /** The error response of a request expected to fail. */
    public HttpClientResponseException failure(MutableHttpRequest<?> request) {
        try {
            http.exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            return e;
        }
        throw new AssertionError("expected " + request.getMethod() + " " + request.getPath() + " to fail");
    }

    /**
     * The worker takes up to {@code limit} tasks of the job, one after another, and answers each with
     * {@code labelFor(task JSON)}; returns how many it answered (fewer when the job had no more for it).
     */
    public int work(Session worker, long jobId, int limit, java.util.function.Function<String, String> labelFor) {
        int done = 0;
        while (done < limit) {
            HttpResponse<String> task = http.exchange(as(worker, HttpRequest.POST("/api/worker/tasks/next?jobId=" + jobId, "")), String.class);
            if (task.getStatus().getCode() == 204) {
                break;
            }
            String body = task.body();
            http.exchange(as(worker, HttpRequest.POST("/api/worker/tasks/" + assignmentId(body) + "/answer",
                    Map.of("label", labelFor.apply(body)))), String.class);
            done++;
        }
        return done;
    }

    /** An honest worker's answer to an {@link #itemsCsv} task: "positive" for an even review number, "negative" for odd. */
    public static String byParity(String taskJson) {
        return reviewNumber(taskJson) % 2 == 0 ? "positive" : "negative";
    }

    /** The number N in an {@link #itemsCsv} task ("review number N"). */
    public static long reviewNumber(String taskJson) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("review number (\\d+)").matcher(taskJson);
        if (!m.find()) {
            throw new AssertionError("task shows no review number: " + taskJson);
        }
        return Long.parseLong(m.group(1));
    }

    /** A new requester whose balance {@code admin} credited with 100,000.00 (10,000,000 minor units). */
    public Session fundedRequester(Session admin) {
        Session requester = signUp("REQUESTER");
        credit(admin, requester.id(), 10_000_000);
        return requester;
    }

    /** A published job: {@link #createJob} with {@code overrides}, these items and golds (CSV; golds may be null) uploaded. */
    public long publishedJob(Session requester, Map<String, Object> overrides, String itemsCsv, String goldsCsv) {
        long job = createJob(requester, overrides);
        upload(requester, job, "items", "text/csv", itemsCsv);
        if (goldsCsv != null) {
            upload(requester, job, "golds", "text/csv", goldsCsv);
        }
        post(requester, "/api/jobs/" + job + "/publish", Map.of());
        return job;
    }

    /** Creates a draft job with sensible defaults, overridden by {@code overrides}. */
    public long createJob(Session requester, Map<String, Object> overrides) {
        Map<String, Object> spec = new java.util.HashMap<>(Map.of(
                "title", "Sentiment of product reviews",
                "instructions", "Is the review **positive** or **negative**?",
                "labels", List.of("positive", "negative"),
                "rewardMinor", 10,
                "overlapMin", 3,
                "overlapMax", 3,
                "goldRate", 0.1,
                "reviewWindowHours", 24));
        spec.putAll(overrides);
        return ((Number) post(requester, "/api/jobs", spec).get("id")).longValue();
    }

    public void credit(Session admin, long requesterId, long amountMinor) {
        post(admin, "/api/admin/accounts/" + requesterId + "/credit", Map.of("amountMinor", amountMinor, "reference", "t-" + UUID.randomUUID()));
    }

    public static String itemsCsv(String prefix, int n) {
        StringBuilder sb = new StringBuilder("id,text\n");
        for (int i = 0; i < n; i++) {
            sb.append(prefix).append(i).append(",\"review number ").append(i).append("\"\n");
        }
        return sb.toString();
    }

    /**
     * Golds in the shape of {@link #itemsCsv}: "review number {@code first + g}", keyed "positive" for an even number and
     * "negative" for odd, as {@link #byParity} answers them.
     */
    public static String goldsCsv(String prefix, int n, int first) {
        StringBuilder sb = new StringBuilder("id,text,label\n");
        for (int g = 0; g < n; g++) {
            sb.append(prefix).append(g).append(",\"review number ").append(first + g).append("\",").append((first + g) % 2 == 0 ? "positive" : "negative").append('\n');
        }
        return sb.toString();
    }

    public static long num(Object o) {
        return ((Number) o).longValue();
    }

    /** The first {@code assignmentId} in a JSON body (a task's, or an answer result's own). */
    public static String assignmentId(String json) {
        int i = json.indexOf("\"assignmentId\":\"") + 16;
        return json.substring(i, json.indexOf('"', i));
    }

    /**
     * A JSON body with every string and number value blanked out (and the review texts of {@link #itemsCsv} and gold
     * uploads): two bodies with the same shape give the same string, whatever their values.
     */
    public static String shape(String json) {
        return json.replaceAll("\"[^\"]*\"\\s*:\\s*(\"[^\"]*\"|[0-9.]+)", "K:V").replaceAll("\"review number [0-9]+\"", "T");
    }
}
