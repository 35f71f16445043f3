package io.warren.ops.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Map;

/** JSON in and out of the API (Jackson), with bodies that do not parse refused as RabbitMQ refuses them (400). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() { }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request body as a JSON object; empty is an empty object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(byte[] body) {
        if (body.length == 0) return Map.of();
        try {
            Object v = MAPPER.readValue(body, Object.class);
            if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
            throw ApiException.badRequest("not_json_object");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("not_json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("not_json: " + e.getMessage());
        }
    }

    public static String string(Map<String, Object> body, String key, String otherwise) {
        Object v = body.get(key);
        return v == null ? otherwise : String.valueOf(v);
    }

    /** A mandatory key: its absence is a 400 naming it, as RabbitMQ's {@code key_missing}. */
    public static Object required(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) throw ApiException.badRequest("[{key_missing," + key + "}]");
        return v;
    }

    public static boolean bool(Map<String, Object> body, String key, boolean otherwise) {
        Object v = body.get(key);
        if (v == null) return otherwise;
        if (v instanceof Boolean b) return b;
        if ("true".equals(v)) return true;
        if ("false".equals(v)) return false;
        throw ApiException.badRequest(key + " should be a boolean, got " + v);
    }
}
