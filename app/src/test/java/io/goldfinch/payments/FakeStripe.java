package io.goldfinch.payments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local fake of the parts of Stripe's HTTP API Goldfinch calls, answering with Stripe-shaped JSON and keeping
 * Stripe's idempotency promise: the same Idempotency-Key returns the first response. Failures can be queued per call:
 * "500", "409", "400" (declined), "timeout" (the transfer is made but the answer comes too late).
 */
final class FakeStripe implements AutoCloseable {

    record TransferMade(String id, String group, long amount, String destination, String idempotencyKey) {
    }

    final List<TransferMade> transfers = Collections.synchronizedList(new ArrayList<>());
    final List<String> transferKeysSeen = Collections.synchronizedList(new ArrayList<>());
    final LinkedList<String> failNextTransfers = new LinkedList<>();
    private final Map<String, String> idempotent = new ConcurrentHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();
    /** Ids unique across runs against the same database, like Stripe's. */
    private final String run = Long.toString(System.nanoTime(), 36);
    private final HttpServer server;
    volatile long timeoutMillis = 1_500;

    FakeStripe() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/v1/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        Map<String, String> form = parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Map<String, String> query = parse(ex.getRequestURI().getRawQuery());
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        try {
            if (method.equals("POST") && path.equals("/v1/transfers")) {
                transferKeysSeen.add(key);
                String failure;
                synchronized (failNextTransfers) {
                    failure = failNextTransfers.poll();
                }
                if ("500".equals(failure)) {
                    send(ex, 500, error("api_error", "Something went wrong on Stripe's end."));
                    return;
                }
                if ("409".equals(failure)) {
                    send(ex, 409, error("idempotency_error", "There is currently another in-progress request using this Stripe-Idempotency-Key."));
                    return;
                }
                if ("400".equals(failure)) {
                    send(ex, 400, error("invalid_request_error", "Insufficient funds in your Stripe balance."));
                    return;
                }
                String body = idempotent.computeIfAbsent("transfer:" + key, k -> {
                    String id = "tr_" + run + seq.incrementAndGet();
                    transfers.add(new TransferMade(id, form.get("transfer_group"), Long.parseLong(form.get("amount")), form.get("destination"), key));
                    return transferJson(id, form.get("transfer_group"), Long.parseLong(form.get("amount")), form.get("destination"));
                });
                if ("timeout".equals(failure)) {
                    sleep(timeoutMillis); // made, but the caller gives up before the answer arrives
                }
                send(ex, 200, body);
            } else if (method.equals("GET") && path.equals("/v1/transfers")) {
                String group = query.get("transfer_group");
                StringBuilder data = new StringBuilder();
                synchronized (transfers) {
                    for (TransferMade t : transfers) {
                        if (t.group().equals(group)) {
                            data.append(data.length() == 0 ? "" : ",").append(transferJson(t.id(), t.group(), t.amount(), t.destination()));
                        }
                    }
                }
                send(ex, 200, "{\"object\":\"list\",\"url\":\"/v1/transfers\",\"has_more\":false,\"data\":[" + data + "]}");
            } else if (method.equals("POST") && path.equals("/v1/accounts")) {
                send(ex, 200, idempotent.computeIfAbsent("account:" + key, k -> "{\"id\":\"acct_" + run + seq.incrementAndGet()
                        + "\",\"object\":\"account\",\"type\":\"express\",\"charges_enabled\":false,\"payouts_enabled\":false,\"email\":\""
                        + form.getOrDefault("email", "") + "\"}"));
            } else if (method.equals("POST") && path.equals("/v1/account_links")) {
                send(ex, 200, "{\"object\":\"account_link\",\"created\":1700000000,\"expires_at\":1700000300,\"url\":\"https://connect.stripe.com/setup/e/"
                        + form.get("account") + "/fake\"}");
            } else if (method.equals("POST") && path.equals("/v1/checkout/sessions")) {
                String id = "cs_test_" + run + seq.incrementAndGet();
                send(ex, 200, "{\"id\":\"" + id + "\",\"object\":\"checkout.session\",\"mode\":\"payment\",\"status\":\"open\","
                        + "\"payment_status\":\"unpaid\",\"amount_total\":" + form.get("line_items[0][price_data][unit_amount]")
                        + ",\"currency\":\"usd\",\"url\":\"https://checkout.stripe.com/c/pay/" + id + "\"}");
            } else {
                send(ex, 404, error("invalid_request_error", "Unrecognized request URL (" + method + ": " + path + ")"));
            }
        } finally {
            ex.close();
        }
    }

    private static String transferJson(String id, String group, long amount, String destination) {
        return "{\"id\":\"" + id + "\",\"object\":\"transfer\",\"amount\":" + amount + ",\"amount_reversed\":0,\"currency\":\"usd\","
                + "\"created\":1700000000,\"destination\":\"" + destination + "\",\"livemode\":false,\"reversed\":false,"
                + "\"transfer_group\":\"" + group + "\",\"metadata\":{}}";
    }

    private static String error(String type, String message) {
        return "{\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Request-Id", "req_fake");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        } catch (IOException ignored) {
            // the client gave up (timeout)
        }
    }

    private static Map<String, String> parse(String s) {
        Map<String, String> out = new HashMap<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        for (String pair : s.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
