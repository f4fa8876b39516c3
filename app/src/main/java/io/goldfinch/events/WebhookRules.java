package io.goldfinch.events;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The rules of webhook delivery, without I/O: how a body is signed, how long to wait before the next attempt, and
 * which target addresses are refused.
 *
 * <p>Signature: header {@code Goldfinch-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
 * endpoint's secret>}, the scheme Stripe uses, so that a receiver can check the sender and reject an old replayed
 * request by its time.
 */
public final class WebhookRules {
    private WebhookRules() {
    }

    /** Event types a requester can subscribe to. */
    public static final List<String> EVENT_TYPES = List.of("job.progress", "items.completed", "job.paused", "job.resumed", "job.completed", "job.cancelled", "job.expired", "ping");

    /** Attempts before a delivery is given up (FAILED); a replay starts again. */
    public static final int MAX_ATTEMPTS = 8;

    private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    private static final Duration LONGEST_WAIT = Duration.ofHours(1);

    public static String signature(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
    }

    /** True if {@code header} is a valid signature of {@code body} made within {@code toleranceSeconds} of {@code nowSeconds}. */
    public static boolean verify(String secret, String header, String body, long nowSeconds, long toleranceSeconds) {
        long t = -1;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t < 0 || v1 == null || Math.abs(nowSeconds - t) > toleranceSeconds) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, t + "." + body).getBytes(StandardCharsets.US_ASCII), v1.getBytes(StandardCharsets.US_ASCII));
    }

    private static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Wait after failed attempt number {@code attempt} (1-based): 10 s, doubling, at most an hour. */
    public static Duration retryDelay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based");
        }
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 20));
        return d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d;
    }

    /**
     * Addresses a webhook may not reach unless private targets are allowed: loopback, private (RFC 1918 / unique-local),
     * link-local (cloud metadata services live there), the wildcard address and multicast. A requester must not be able
     * to make the server call its own internal services.
     */
    public static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        // IPv6 unique local fc00::/7; IPv4 carrier-grade NAT 100.64.0.0/10
        return (b.length == 16 && (b[0] & 0xfe) == 0xfc) || (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64);
    }
}
