package io.goldfinch.events;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookRulesTest {

    @Test
    void aSignatureVerifiesOnlyForTheSameSecretBodyAndARecentTime() {
        String body = "{\"id\":7,\"type\":\"ping\"}";
        String header = WebhookRules.signature("whsec_a", 1_700_000_000L, body);
        assertThat(header).matches("t=1700000000,v1=[0-9a-f]{64}");
        assertThat(WebhookRules.verify("whsec_a", header, body, 1_700_000_100L, 300)).isTrue();
        assertThat(WebhookRules.verify("whsec_b", header, body, 1_700_000_100L, 300)).as("other secret").isFalse();
        assertThat(WebhookRules.verify("whsec_a", header, body + " ", 1_700_000_100L, 300)).as("changed body").isFalse();
        assertThat(WebhookRules.verify("whsec_a", header, body, 1_700_000_301L, 300)).as("too old").isFalse();
        assertThat(WebhookRules.verify("whsec_a", header.replace("t=1700000000", "t=1700000001"), body, 1_700_000_100L, 300))
                .as("time changed").isFalse();
        assertThat(WebhookRules.verify("whsec_a", "v1=abc", body, 1_700_000_100L, 300)).isFalse();
        assertThat(WebhookRules.verify("whsec_a", "t=x,v1=abc", body, 1_700_000_100L, 300)).isFalse();
    }

    @Test
    void retriesBackOffFromTenSecondsDoublingUpToAnHour() {
        assertThat(List.of(1, 2, 3, 4, 9, 10, 40).stream().map(WebhookRules::retryDelay).toList()).containsExactly(
                Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80), Duration.ofSeconds(2560),
                Duration.ofHours(1), Duration.ofHours(1));
        assertThatThrownBy(() -> WebhookRules.retryDelay(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void privateLoopbackLinkLocalAndSharedAddressesAreRefusedPublicOnesNot() throws UnknownHostException {
        for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1",
                "fe80::1", "fc00::1", "fd12::1", "224.0.0.1")) {
            assertThat(WebhookRules.isPrivate(InetAddress.getByName(a))).as(a).isTrue();
        }
        for (String a : List.of("8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "2001:4860:4860::8888")) {
            assertThat(WebhookRules.isPrivate(InetAddress.getByName(a))).as(a).isFalse();
        }
    }
}
