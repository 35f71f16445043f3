package io.warren.metadata.queue;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MessageProperties;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dead-lettered message as RabbitMQ writes it: republished to the queue's dead-letter exchange with its
 * dead-letter routing key (the CC header dropped then) or its original routing keys; the per-message TTL taken off
 * (kept as {@code original-expiration}); the {@code x-death} array, one table per (queue, reason), most recent first,
 * its {@code count} raised when the pair recurs; {@code x-first-death-*} set once and {@code x-last-death-*} every time.
 * And RabbitMQ's cycle rule: a message that would reach a queue it has already died in, with no rejection since, is not
 * delivered there.
 */
public final class DeadLetters {
    private DeadLetters() { }

    public enum Reason {
        REJECTED("rejected"), EXPIRED("expired"), MAXLEN("maxlen"), DELIVERY_LIMIT("delivery_limit");

        public final String text;

        Reason(String text) { this.text = text; }
    }

    /** The message {@code m} of {@code queue} dead-lettered for {@code reason} at {@code nowMs}. */
    public static Message make(Message m, QueueRecord queue, QueueFeatures f, Reason reason, long nowMs) {
        MessageProperties p = m.typedProperties();
        Map<String, Object> headers = p.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.headers());
        List<Object> routingKeys = new ArrayList<>();
        routingKeys.add(m.routingKey());
        if (headers.get("CC") instanceof List<?> cc) for (Object k : cc) routingKeys.add(k.toString());

        Map<String, Object> death = new LinkedHashMap<>();
        death.put("count", 1L);
        death.put("reason", reason.text);
        death.put("queue", queue.name());
        death.put("time", new Date(nowMs / 1000 * 1000));
        death.put("exchange", m.exchange());
        death.put("routing-keys", routingKeys);
        if (p.expiration() != null) death.put("original-expiration", p.expiration());

        List<Object> deaths = new ArrayList<>();
        deaths.add(death);
        if (headers.get("x-death") instanceof List<?> old) {
            for (Object o : old) {
                if (o instanceof Map<?, ?> d && queue.name().equals(str(d.get("queue"))) && reason.text.equals(str(d.get("reason")))) {
                    Map<String, Object> same = new LinkedHashMap<>();
                    d.forEach((k, v) -> same.put(k.toString(), v));
                    same.put("count", count(d.get("count")) + 1);
                    same.put("time", death.get("time"));
                    same.put("exchange", death.get("exchange"));
                    same.put("routing-keys", routingKeys);
                    deaths.set(0, same);
                } else {
                    deaths.add(o);
                }
            }
        }
        headers.put("x-death", deaths);
        headers.putIfAbsent("x-first-death-reason", reason.text);
        headers.putIfAbsent("x-first-death-queue", queue.name());
        headers.putIfAbsent("x-first-death-exchange", m.exchange());
        headers.put("x-last-death-reason", reason.text);
        headers.put("x-last-death-queue", queue.name());
        headers.put("x-last-death-exchange", m.exchange());

        String routingKey = m.routingKey();
        if (f.deadLetterRoutingKey() != null) {
            routingKey = f.deadLetterRoutingKey();
            headers.remove("CC");
        }
        MessageProperties out = new MessageProperties(p.contentType(), p.contentEncoding(), headers, p.deliveryMode(),
                p.priority(), p.correlationId(), p.replyTo(), null, p.messageId(), p.timestamp(), p.type(), p.userId(),
                p.appId(), p.clusterId());
        return new Message(f.deadLetterExchange(), routingKey, out.encode(), m.body());
    }

    /**
     * True when delivering the dead-lettered {@code m} to {@code target} closes a cycle: {@code target} is in its
     * {@code x-death} and no death from the latest back to that one was a rejection.
     */
    public static boolean cycles(Message m, String target) {
        MessageProperties p = m.typedProperties();
        if (p.headers() == null || !(p.headers().get("x-death") instanceof List<?> deaths)) return false;
        for (Object o : deaths) {
            if (!(o instanceof Map<?, ?> d)) continue;
            if (Reason.REJECTED.text.equals(str(d.get("reason")))) return false;
            if (target.equals(str(d.get("queue")))) return true;
        }
        return false;
    }

    private static String str(Object v) {
        return v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v == null ? null : v.toString();
    }

    private static long count(Object v) { return v instanceof Number n ? n.longValue() : 0; }
}
