package dev.promptrelay.provider;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptrelay.Json;

/**
 * Reading and writing the JSON every provider speaks, forgiving where providers are loose: a body that is not JSON
 * reads as an empty object, so a mapping falls back to the raw text.
 */
final class ProviderJson {

    static final ObjectMapper JSON = Json.MAPPER;

    private ProviderJson() {
    }

    static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static byte[] toBytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
    }

    static void putIfSet(ObjectNode body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value);
        }
    }

    /** A field's text when it is a non-blank string or number (ids come as either), else null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isBlank() ? value.asText() : null;
    }

    /** The raw body on one line, cut short: for providers that answer errors in plain text. */
    static String shortBody(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        if (flat.isEmpty()) {
            return "(empty answer)";
        }
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    /** The extension in a URL's path ({@code png} of {@code .../a.png?sig=...}), or the fallback. */
    static String extensionOf(String url, String fallback) {
        String path = url.replaceFirst("[?#].*$", "");
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash && path.length() - dot <= 5 && path.length() - dot > 1) {
            return path.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
        return fallback;
    }

    /** The usual extension of a media type ({@code image/png} gives {@code png}), or the fallback. */
    static String extensionOfMediaType(String mediaType, String fallback) {
        if (mediaType == null) {
            return fallback;
        }
        return switch (mediaType.toLowerCase(Locale.ROOT).replaceFirst(";.*$", "").strip()) {
            case "image/png" -> "png";
            case "image/jpeg", "image/jpg" -> "jpg";
            case "image/webp" -> "webp";
            case "image/gif" -> "gif";
            case "video/mp4" -> "mp4";
            case "video/webm" -> "webm";
            case "video/quicktime" -> "mov";
            default -> fallback;
        };
    }
}
