package io.warren.ops.http;

import io.warren.metadata.model.UserRecord;

import java.util.List;
import java.util.Map;

/**
 * One management API request, protocol details stripped: the method, the path's segments after {@code /api}
 * (percent-decoded, so {@code %2F} is "/"), the query, the body, and who asks — a user that logged in, or the node's
 * operator ({@code user} null, {@code operator} true: the CLI over the cluster link, with the cluster secret).
 */
public record ApiRequest(String method, List<String> path, Map<String, String> query, byte[] body, Map<String, String> headers,
                         UserRecord user, boolean operator) {
    public ApiRequest {
        path = List.copyOf(path);
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        if (body == null) body = new byte[0];
    }

    public String query(String key, String otherwise) { return query.getOrDefault(key, otherwise); }

    public boolean flag(String key) { return "true".equals(query.get(key)); }

    /** The asking user's name ({@code rabbitmqctl} runs as the node itself, shown as "rmq-internal" as RabbitMQ's CLI). */
    public String userName() { return user == null ? "rmq-internal" : user.name(); }

    public boolean hasTag(String tag) { return operator || user != null && user.hasTag(tag); }

    public boolean isAdministrator() { return hasTag("administrator"); }

    /** Whether it sees every vhost's objects (administrator, monitoring) rather than those it has permissions in. */
    public boolean seesAll() { return hasTag("administrator") || hasTag("monitoring"); }
}
