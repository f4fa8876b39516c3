package io.goldfinch.events;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signed webhooks to requesters: endpoints, the events a scan of their jobs produces (progress in tenths, items
 * completed in batches, job completed), and their delivery with retries and replay.
 *
 * <p>Events are found by scanning, not by the answer path: a pass reads each job's state against what was announced
 * (a cursor per job), so the hot path pays nothing. Items are announced once they closed at least
 * {@code goldfinch.webhooks.settle} ago, so that an answer still committing with an earlier time is not skipped.
 *
 * <p>Delivery: due deliveries are claimed (their next attempt moved a lease ahead, so a crash retries them later and
 * another instance skips them), sent with the event's stored body and id, and marked delivered on a 2xx; otherwise
 * retried after {@link WebhookRules#retryDelay} until {@link WebhookRules#MAX_ATTEMPTS}. Redirects are not followed,
 * and private addresses are refused unless {@code goldfinch.webhooks.allow-private-targets} is set.
 */
@Singleton
public class WebhookService {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);

    @Serdeable
    public record Endpoint(long id, String url, List<String> events, boolean active, Instant createdAt) {
    }

    /** An endpoint as created: the only time its signing secret is shown. */
    @Serdeable
    public record CreatedEndpoint(long id, String url, List<String> events, boolean active, Instant createdAt, String secret) {
    }

    @Serdeable
    public record Delivery(long id, long eventId, String type, String status, int attempts, @Nullable Instant nextAttemptAt,
                           @Nullable Integer lastStatus, @Nullable String lastError, @Nullable Instant deliveredAt, Instant createdAt) {
    }

    /** Most items per items.completed event. */
    static final int ITEMS_PER_EVENT = 1000;
    /** Deliveries one dispatch pass claims. */
    static final int DISPATCH_BATCH = 20;
    /** How long a claimed delivery is held before another pass may try it again (a crash mid-send). */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(5);

    private final Db db;
    private final Clock clock;
    private final JsonMapper json;
    private final boolean allowPrivate;
    private final Duration settle;
    private final Duration timeout;
    private final HttpClient http;
    private final SecureRandom secrets = new SecureRandom();

    public WebhookService(Db db, Clock clock, JsonMapper json,
                          @Value("${goldfinch.webhooks.allow-private-targets:false}") boolean allowPrivate,
                          @Value("${goldfinch.webhooks.settle:30s}") Duration settle,
                          @Value("${goldfinch.webhooks.timeout:10s}") Duration timeout) {
        if (settle.isNegative() || settle.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("goldfinch.webhooks.settle must be 0 to 10 minutes, not " + settle);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("goldfinch.webhooks.timeout must be more than 0 and at most 1 minute, not " + timeout);
        }
        this.db = db;
        this.clock = clock;
        this.json = json;
        this.allowPrivate = allowPrivate;
        this.settle = settle;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    // ---- endpoints ----

    public CreatedEndpoint create(long requesterId, String url, @Nullable List<String> events) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("url", "is not a URL");
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null || url.length() > 2000) {
            throw ApiException.invalid("url", "must be an http or https URL with a host, at most 2,000 characters");
        }
        List<String> types = events == null || events.isEmpty() ? WebhookRules.EVENT_TYPES : List.copyOf(events);
        for (String t : types) {
            if (!WebhookRules.EVENT_TYPES.contains(t)) {
                throw ApiException.invalid("events", "unknown event type '" + t + "'; known: " + WebhookRules.EVENT_TYPES);
            }
        }
        byte[] raw = new byte[24];
        secrets.nextBytes(raw);
        String secret = "whsec_" + HexFormat.of().formatHex(raw);
        Instant now = now();
        long id = db.tx(c -> Db.scalarLong(c, "INSERT INTO webhook_endpoint (requester_id, url, secret, events, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                requesterId, uri.toString(), secret, c.createArrayOf("text", types.toArray()), Timestamp.from(now)));
        return new CreatedEndpoint(id, uri.toString(), types, true, now, secret);
    }

    public List<Endpoint> endpoints(long requesterId) {
        return db.tx(c -> Db.list(c, rs -> new Endpoint(rs.getLong(1), rs.getString(2), Arrays.asList((String[]) rs.getArray(3).getArray()),
                        rs.getBoolean(4), rs.getTimestamp(5).toInstant()),
                "SELECT id, url, events, active, created_at FROM webhook_endpoint WHERE requester_id = ? ORDER BY id", requesterId));
    }

    /** Stops sending to an endpoint; its pending deliveries fail with a note. Its history stays readable. */
    public void deactivate(long requesterId, long endpointId) {
        db.tx(c -> {
            owned(c, requesterId, endpointId);
            Db.update(c, "UPDATE webhook_endpoint SET active = false WHERE id = ?", endpointId);
            return Db.update(c, "UPDATE webhook_delivery SET status = 'FAILED', last_error = 'endpoint removed', next_attempt_at = NULL "
                    + "WHERE endpoint_id = ? AND status = 'PENDING'", endpointId);
        });
    }

    private static boolean owned(Connection c, long requesterId, long endpointId) throws SQLException {
        return Db.one(c, rs -> rs.getBoolean(1), "SELECT active FROM webhook_endpoint WHERE id = ? AND requester_id = ?", endpointId, requesterId)
                .orElseThrow(() -> ApiException.notFound("webhook endpoint"));
    }

    /** Queues a {@code ping} event to one endpoint; returns the event id. */
    public long ping(long requesterId, long endpointId) {
        return db.tx(c -> {
            if (!owned(c, requesterId, endpointId)) {
                throw ApiException.conflict("endpoint-inactive", "this endpoint was removed");
            }
            return emit(c, requesterId, null, "ping", Map.of("message", "Goldfinch webhooks reach this endpoint"), endpointId);
        });
    }

    private static final String DELIVERY_COLUMNS = "d.id, e.id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, "
            + "d.delivered_at, e.created_at";

    private static Delivery delivery(java.sql.ResultSet rs) throws SQLException {
        Timestamp next = rs.getTimestamp(6);
        Timestamp delivered = rs.getTimestamp(9);
        return new Delivery(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5), next == null ? null : next.toInstant(),
                (Integer) rs.getObject(7), rs.getString(8), delivered == null ? null : delivered.toInstant(), rs.getTimestamp(10).toInstant());
    }

    /** An endpoint's deliveries, newest first, at most 200. */
    public List<Delivery> deliveries(long requesterId, long endpointId) {
        return db.tx(c -> {
            owned(c, requesterId, endpointId);
            return Db.list(c, WebhookService::delivery, "SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id "
                    + "WHERE d.endpoint_id = ? ORDER BY d.id DESC LIMIT 200", endpointId);
        });
    }

    /** Sends a delivery again (same event id and body), whatever its state, with a fresh set of attempts. */
    public Delivery replay(long requesterId, long deliveryId) {
        Instant now = now();
        return db.tx(c -> {
            boolean active = Db.one(c, rs -> rs.getBoolean(1), "SELECT ep.active FROM webhook_delivery d JOIN webhook_endpoint ep ON ep.id = d.endpoint_id "
                            + "WHERE d.id = ? AND ep.requester_id = ? FOR UPDATE OF d", deliveryId, requesterId)
                    .orElseThrow(() -> ApiException.notFound("webhook delivery"));
            if (!active) {
                throw ApiException.conflict("endpoint-inactive", "this delivery's endpoint was removed");
            }
            Db.update(c, "UPDATE webhook_delivery SET status = 'PENDING', attempts = 0, next_attempt_at = ? WHERE id = ?", Timestamp.from(now), deliveryId);
            return Db.one(c, WebhookService::delivery, "SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id "
                    + "WHERE d.id = ?", deliveryId).orElseThrow();
        });
    }

    // ---- events ----

    /**
     * Writes an event (its body carries its own id, type, time and data) and one delivery per active endpoint of the
     * requester subscribed to the type, or only to {@code onlyEndpoint}. Returns the event id.
     */
    long emit(Connection c, long requesterId, @Nullable Long jobId, String type, Map<String, Object> data, @Nullable Long onlyEndpoint)
            throws SQLException {
        Instant now = now();
        long id = Db.scalarLong(c, "SELECT nextval('webhook_event_id_seq')");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("type", type);
        body.put("createdAt", now.toString());
        if (jobId != null) {
            body.put("jobId", jobId);
        }
        body.put("data", data);
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Db.update(c, "INSERT INTO webhook_event (id, requester_id, job_id, type, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                id, requesterId, jobId, type, text, Timestamp.from(now));
        Db.update(c, "INSERT INTO webhook_delivery (event_id, endpoint_id, status, next_attempt_at) "
                        + "SELECT ?, id, 'PENDING', ? FROM webhook_endpoint WHERE requester_id = ? AND active AND ? = ANY (events) "
                        + "AND (?::bigint IS NULL OR id = ?)",
                id, Timestamp.from(now), requesterId, type, onlyEndpoint, onlyEndpoint);
        return id;
    }

    /** One pass over the jobs of requesters with endpoints; returns the number of events written. */
    public int scanOnce() {
        record JobRow(long id, long requester) {
        }
        List<JobRow> jobs = db.tx(c -> Db.list(c, rs -> new JobRow(rs.getLong(1), rs.getLong(2)),
                "SELECT j.id, j.requester_id FROM job j LEFT JOIN webhook_job_state s ON s.job_id = j.id "
                        + "WHERE j.status IN ('PUBLISHED', 'PAUSED', 'COMPLETED', 'CANCELLED', 'EXPIRED') AND NOT COALESCE(s.completed_sent, false) "
                        + "AND EXISTS (SELECT 1 FROM webhook_endpoint e WHERE e.requester_id = j.requester_id AND e.active) ORDER BY j.id"));
        int events = 0;
        for (JobRow job : jobs) {
            try {
                events += db.tx(c -> scanJob(c, job.id(), job.requester()));
            } catch (RuntimeException e) {
                LOG.warn("webhook scan of job {} failed: {}", job.id(), e.toString());
            }
        }
        return events;
    }

    private int scanJob(Connection c, long jobId, long requesterId) throws SQLException {
        Db.update(c, "INSERT INTO webhook_job_state (job_id) VALUES (?) ON CONFLICT DO NOTHING", jobId);
        record State(int step, Timestamp closedAt, long afterId, boolean completedSent, String status, String lastStatus, String pauseReason) {
        }
        State s = Db.one(c, rs -> new State(rs.getInt(1), rs.getTimestamp(2), rs.getLong(3), rs.getBoolean(4), rs.getString(5), rs.getString(6),
                        rs.getString(7)),
                "SELECT s.progress_step, s.items_closed_at, s.items_after_id, s.completed_sent, j.status, s.last_status, j.pause_reason "
                        + "FROM webhook_job_state s "
                        + "JOIN job j ON j.id = s.job_id WHERE s.job_id = ? FOR UPDATE OF s", jobId).orElseThrow();
        int events = 0;
        // Paused (its escrow ran short, or by its owner) and resumed: announced on the change, not on the first sight of a job.
        if (s.lastStatus() != null && !s.lastStatus().equals(s.status())) {
            if (s.status().equals("PAUSED") && "OWNER".equals(s.pauseReason())) {
                emit(c, requesterId, jobId, "job.paused", Map.of("pausedBy", "OWNER", "reason", "paused by its requester or a quality manager",
                        "resume", "/api/jobs/" + jobId + "/resume"), null);
                events++;
            } else if (s.status().equals("PAUSED")) {
                emit(c, requesterId, jobId, "job.paused", Map.of("pausedBy", "FUNDS", "reason", "the job's escrow cannot pay for more tasks; top it up to resume",
                        "topUp", "/api/jobs/" + jobId + "/top-up"), null);
                events++;
            } else if (s.status().equals("PUBLISHED") && s.lastStatus().equals("PAUSED")) {
                emit(c, requesterId, jobId, "job.resumed", Map.of(), null);
                events++;
            }
        }
        Db.update(c, "UPDATE webhook_job_state SET last_status = ? WHERE job_id = ?", s.status(), jobId);
        // Items closed since the cursor, in (closed_at, id) order, settled.
        Timestamp cursorAt = s.closedAt() == null ? new Timestamp(0) : s.closedAt();
        long cursorId = s.afterId();
        Timestamp settled = Timestamp.from(now().minus(settle));
        for (int batch = 0; batch < 10; batch++) {
            record Closed(long id, String item, String label, double confidence, int answers, Timestamp closedAt) {
            }
            List<Closed> closed = Db.list(c, rs -> new Closed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getInt(5),
                            rs.getTimestamp(6)),
                    "SELECT id, external_id, posterior_label, COALESCE(posterior_confidence, 0), posterior_answers, closed_at FROM item "
                            + "WHERE job_id = ? AND NOT is_gold AND closed_at IS NOT NULL AND closed_at <= ? AND (closed_at, id) > (?, ?) "
                            + "ORDER BY closed_at, id LIMIT ?", jobId, settled, cursorAt, cursorId, ITEMS_PER_EVENT);
            if (closed.isEmpty()) {
                break;
            }
            List<Map<String, Object>> items = new ArrayList<>(closed.size());
            for (Closed x : closed) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("item", x.item());
                item.put("label", x.label());
                item.put("confidence", x.confidence());
                item.put("answers", x.answers());
                item.put("closedAt", x.closedAt().toInstant().toString());
                items.add(item);
            }
            emit(c, requesterId, jobId, "items.completed", Map.of("items", items), null);
            events++;
            Closed last = closed.get(closed.size() - 1);
            cursorAt = last.closedAt();
            cursorId = last.id();
            if (closed.size() < ITEMS_PER_EVENT) {
                break;
            }
        }
        Db.update(c, "UPDATE webhook_job_state SET items_closed_at = ?, items_after_id = ? WHERE job_id = ?",
                cursorAt.getTime() == 0 ? null : cursorAt, cursorId, jobId);
        // Progress in tenths of the items done.
        long total = Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold", jobId);
        long done = Db.scalarLong(c, "SELECT count(*) FROM item WHERE job_id = ? AND NOT is_gold AND closed_at IS NOT NULL", jobId);
        int step = total == 0 ? 0 : (int) (10 * done / total);
        if (step > s.step()) {
            emit(c, requesterId, jobId, "job.progress", Map.of("itemsDone", done, "itemsTotal", total, "share", (double) done / total), null);
            Db.update(c, "UPDATE webhook_job_state SET progress_step = ? WHERE job_id = ?", step, jobId);
            events++;
        }
        if (s.status().equals("COMPLETED") && !s.completedSent()) {
            emit(c, requesterId, jobId, "job.completed", Map.of("itemsTotal", total, "results", "/api/jobs/" + jobId + "/results",
                    "snapshots", "/api/jobs/" + jobId + "/snapshots"), null);
            Db.update(c, "UPDATE webhook_job_state SET completed_sent = true WHERE job_id = ?", jobId);
            events++;
        }
        if ((s.status().equals("CANCELLED") || s.status().equals("EXPIRED")) && !s.completedSent()) {
            // After the items that closed before it: the last event of the job.
            emit(c, requesterId, jobId, s.status().equals("EXPIRED") ? "job.expired" : "job.cancelled", Map.of("itemsDone", done, "itemsTotal", total, "results", "/api/jobs/" + jobId + "/results"), null);
            Db.update(c, "UPDATE webhook_job_state SET completed_sent = true WHERE job_id = ?", jobId);
            events++;
        }
        return events;
    }

    // ---- delivery ----

    private record Due(long id, int attempt, long eventId, String body, String url, String secret, boolean active) {
    }

    /** Claims and sends the due deliveries (at most {@link #DISPATCH_BATCH}); returns how many were delivered. */
    public int dispatchOnce() {
        Instant now = now();
        List<Due> due = db.tx(c -> Db.list(c, rs -> new Due(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getBoolean(7)),
                "UPDATE webhook_delivery d SET attempts = d.attempts + 1, next_attempt_at = ? FROM webhook_event e, webhook_endpoint ep "
                        + "WHERE d.id IN (SELECT id FROM webhook_delivery WHERE status = 'PENDING' AND next_attempt_at <= ? "
                        + "ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) AND e.id = d.event_id AND ep.id = d.endpoint_id "
                        + "RETURNING d.id, d.attempts, e.id, e.body, ep.url, ep.secret, ep.active",
                Timestamp.from(now.plus(CLAIM_LEASE)), Timestamp.from(now), DISPATCH_BATCH));
        int delivered = 0;
        for (Due d : due) {
            Integer status = null;
            String error = null;
            if (!d.active()) {
                error = "endpoint removed";
            } else {
                try {
                    URI uri = URI.create(d.url());
                    if (!allowPrivate) {
                        for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                            if (WebhookRules.isPrivate(a)) {
                                throw new IOException("refused: " + uri.getHost() + " resolves to a private address (" + a.getHostAddress() + ")");
                            }
                        }
                    }
                    HttpResponse<Void> res = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "Goldfinch-Webhooks/1")
                            .header("Goldfinch-Event-Id", Long.toString(d.eventId()))
                            .header("Goldfinch-Signature", WebhookRules.signature(d.secret(), clock.instant().getEpochSecond(), d.body()))
                            .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.discarding());
                    status = res.statusCode();
                    if (status < 200 || status > 299) {
                        error = "HTTP " + status;
                    }
                } catch (IOException | IllegalArgumentException e) {
                    error = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return delivered; // the claim lease brings the rest back
                }
            }
            boolean ok = error == null;
            delivered += ok ? 1 : 0;
            boolean giveUp = !ok && (d.attempt() >= WebhookRules.MAX_ATTEMPTS || !d.active());
            Instant after = now();
            Integer lastStatus = status;
            String lastError = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
            db.tx(c -> Db.update(c, "UPDATE webhook_delivery SET status = ?, last_status = ?, last_error = ?, next_attempt_at = ?, delivered_at = ? "
                            + "WHERE id = ?",
                    ok ? "DELIVERED" : giveUp ? "FAILED" : "PENDING", lastStatus, lastError,
                    ok || giveUp ? null : Timestamp.from(after.plus(WebhookRules.retryDelay(d.attempt()))), ok ? Timestamp.from(after) : null, d.id()));
        }
        return delivered;
    }

    @Scheduled(fixedDelay = "${goldfinch.webhooks.scan-interval:10s}", initialDelay = "15s")
    void scanScheduled() {
        try {
            scanOnce();
        } catch (RuntimeException e) {
            LOG.warn("webhook scan failed: {}", e.toString());
        }
    }

    @Scheduled(fixedDelay = "${goldfinch.webhooks.dispatch-interval:2s}", initialDelay = "15s")
    void dispatchScheduled() {
        try {
            while (dispatchOnce() == DISPATCH_BATCH) {
                // a full batch went out: there may be more due
            }
        } catch (RuntimeException e) {
            LOG.warn("webhook dispatch failed: {}", e.toString());
        }
    }
}
