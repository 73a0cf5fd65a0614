package dev.promptrelay.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhooks promptrelay asks providers for (only when {@code promptrelay.webhook.base-url} is set). A webhook is
 * never believed: it only makes the task be polled at once, so what the journal records always comes from the
 * provider's own status answer to a request signed with our key. A forged or replayed webhook therefore costs one
 * poll and changes nothing; a lost one costs latency, since the task is still polled, at a slower plan.
 *
 * <p>The address given to the provider names the job and carries a token only this installation can make (an HMAC
 * of the job under the provider's key), so a stranger cannot make promptrelay poll at will; where the provider
 * documents a signature (Replicate's, in the Standard Webhooks form) it is checked too, with the signing secret
 * set in {@code promptrelay.<id>.webhook-secret}.
 */
public final class Webhooks {

    /** How far a signed webhook's timestamp may be from our clock (Standard Webhooks recommends five minutes). */
    static final Duration TOLERANCE = Duration.ofMinutes(5);
    public static final String PATH = "/api/webhooks/";

    private final String baseUrl;
    private final Function<String, String> tokenKeys;

    /**
     * @param baseUrl   where providers reach this installation's API, e.g. {@code https://relay.example.com}
     * @param tokenKeys the secret each provider's tokens are made with (its API key), by provider id
     */
    public Webhooks(String baseUrl, Function<String, String> tokenKeys) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.tokenKeys = tokenKeys;
    }

    /** The address this job's webhooks are to be sent to. */
    public String urlFor(String provider, String jobId) {
        return baseUrl + PATH + provider + "/" + jobId + "/" + token(provider, jobId);
    }

    /** Whether the token in a webhook's address is the one made for this job. */
    public boolean genuine(String provider, String jobId, String token) {
        if (provider == null || jobId == null || token == null) {
            return false;
        }
        return MessageDigest.isEqual(token(provider, jobId).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    private String token(String provider, String jobId) {
        String key = tokenKeys.apply(provider);
        byte[] mac = hmac(("promptrelay-webhook:" + (key == null ? "" : key)).getBytes(StandardCharsets.UTF_8),
                (provider + "/" + jobId).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac, 0, 16);
    }

    /**
     * A Standard Webhooks signature (Replicate's): {@code webhook-signature} holds one or more {@code v1,<base64>}
     * HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>} under the secret ({@code whsec_<base64>}), and the
     * timestamp is within five minutes of now.
     */
    public static boolean signedBy(String secret, String id, String timestamp, String signatures, String body, Instant now) {
        if (secret == null || secret.isBlank() || id == null || timestamp == null || signatures == null) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Duration.between(Instant.ofEpochSecond(seconds), now).abs().compareTo(TOLERANCE) > 0) {
            return false;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.strip().replaceFirst("^whsec_", ""));
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = Base64.getEncoder().encode(hmac(key, (id + "." + timestamp.strip() + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        for (String signature : signatures.split(" ")) {
            int comma = signature.indexOf(',');
            if (comma > 0 && signature.substring(0, comma).equals("v1")
                && MessageDigest.isEqual(expected, signature.substring(comma + 1).getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
