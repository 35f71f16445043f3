package io.warren.ops.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A management API answer: status, body (JSON unless said), extra headers. */
public record ApiResponse(int status, byte[] body, String contentType, Map<String, String> headers) {
    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, Json.bytes(value), "application/json", Map.of());
    }

    public static ApiResponse ok(Object value) { return json(200, value); }

    public static ApiResponse noContent() { return new ApiResponse(204, new byte[0], null, Map.of()); }

    /** A PUT's answer: 201 when it made the object, 204 when it changed an existing one (as RabbitMQ). */
    public static ApiResponse putDone(boolean created) { return created ? new ApiResponse(201, new byte[0], null, Map.of()) : noContent(); }

    /** RabbitMQ's error body: {@code {"error": type, "reason": text}}. */
    public static ApiResponse error(int status, String error, String reason) {
        return json(status, Map.of("error", error, "reason", reason));
    }

    public static ApiResponse text(int status, String contentType, String text) {
        return new ApiResponse(status, text.getBytes(StandardCharsets.UTF_8), contentType, Map.of());
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, body, contentType, h);
    }
}
