package io.warren.metadata.routing;

import io.warren.metadata.codec.FieldTables;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.state.VhostState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a published message to its target queues from applied metadata: the default exchange, the four
 * exchange types, exchange-to-exchange bindings (cycles visited once), alternate exchanges for what an
 * exchange cannot route, and the CC/BCC sender-selected routing keys.
 */
public final class Router {
    private Router() { }

    public static List<QueueRecord> route(VhostState v, ExchangeRecord x, String routingKey, Map<String, Object> headers) {
        List<String> keys = routingKeys(routingKey, headers);
        Map<String, QueueRecord> out = new LinkedHashMap<>();
        Set<String> visited = new HashSet<>();
        routeInto(v, x, keys, headers, out, visited);
        return new ArrayList<>(out.values());
    }

    /**
     * The routing key and the sender-selected ones: the string entries of the {@code CC} and {@code BCC} arrays (other
     * entries are ignored); a {@code CC} or {@code BCC} header that is not an array is refused, as RabbitMQ does.
     */
    private static List<String> routingKeys(String rk, Map<String, Object> headers) {
        if (headers == null || (!headers.containsKey("CC") && !headers.containsKey("BCC"))) return List.of(rk);
        List<String> keys = new ArrayList<>();
        keys.add(rk);
        for (String h : new String[]{"CC", "BCC"}) {
            if (!headers.containsKey(h)) continue;
            if (!(headers.get(h) instanceof List<?> l)) {
                throw DomainException.precondition("invalid message: {unacceptable_type_in_header,\"" + h + "\","
                        + FieldTables.typeName(headers.get(h)) + "}");
            }
            for (Object o : l) if (o instanceof String s) keys.add(s);
        }
        return keys;
    }

    private static void routeInto(VhostState v, ExchangeRecord x, List<String> keys, Map<String, Object> headers,
                                  Map<String, QueueRecord> out, Set<String> visited) {
        if (!visited.add(x.name())) return;
        int before = out.size();
        if (x.name().isEmpty()) {
            for (String k : keys) {
                QueueRecord q = v.queue(k);
                if (q != null) out.putIfAbsent(q.name(), q);
            }
        } else {
            for (BindingRecord b : v.bindingsFrom(x.name())) {
                if (!bindingMatches(x, b, keys, headers)) continue;
                if (b.toExchange()) {
                    ExchangeRecord dest = v.exchange(b.destination());
                    if (dest != null) routeInto(v, dest, keys, headers, out, visited);
                } else {
                    QueueRecord q = v.queue(b.destination());
                    if (q != null) out.putIfAbsent(q.name(), q);
                }
            }
        }
        if (out.size() == before) {
            String ae = x.alternateExchange();
            if (ae != null) {
                ExchangeRecord alt = v.exchange(ae);
                if (alt != null) routeInto(v, alt, keys, headers, out, visited);
            }
        }
    }

    private static boolean bindingMatches(ExchangeRecord x, BindingRecord b, List<String> keys, Map<String, Object> headers) {
        switch (x.type()) {
            case FANOUT: return true;
            case HEADERS: return HeadersMatcher.matches(b.arguments(), headers);
            case DIRECT:
                for (String k : keys) if (k.equals(b.routingKey())) return true;
                return false;
            case TOPIC:
                for (String k : keys) if (TopicMatcher.matches(b.routingKey(), k)) return true;
                return false;
            default: return false;
        }
    }
}
