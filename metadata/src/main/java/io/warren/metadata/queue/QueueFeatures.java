package io.warren.metadata.queue;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MessageProperties;

import java.util.Map;

/**
 * What a queue's arguments and its policy ask of it, resolved as RabbitMQ resolves them: for the numeric limits
 * (message TTL, expiry, lengths, delivery limit, consumer timeout) the lower of argument and policy wins; for the rest
 * the argument wins over the policy. An operator policy (RabbitMQ's keys: expires, message-ttl, max-length,
 * max-length-bytes, delivery-limit, overflow) caps the numeric limits the same way (the lowest of the three wins) and
 * sets the overflow behaviour when it has one. -1 is "not set". Read again whenever a queue acts on them, so a policy
 * change applies to existing queues without a redeclare.
 */
public record QueueFeatures(long messageTtl, long expires, long maxLength, long maxLengthBytes, Overflow overflow,
                            String deadLetterExchange, String deadLetterRoutingKey, boolean atLeastOnce,
                            long deliveryLimit, int maxPriority, long consumerTimeout, DelayedRetry delayedRetry) {
    public enum Overflow {
        DROP_HEAD("drop-head"), REJECT_PUBLISH("reject-publish"), REJECT_PUBLISH_DLX("reject-publish-dlx");

        public final String wireName;

        Overflow(String wireName) { this.wireName = wireName; }
    }

    public static final QueueFeatures NONE = new QueueFeatures(-1, -1, -1, -1, Overflow.DROP_HEAD, null, null, false, -1, -1, -1, DelayedRetry.NONE);

    /** The levels a quorum queue always has (RabbitMQ 4.3: 32 strict levels) and where an unprioritised message goes. */
    public static final int QUORUM_LEVELS = 32;
    public static final int DEFAULT_PRIORITY = 4;

    public boolean hasDeadLetterExchange() { return deadLetterExchange != null; }

    /** The TTL {@code m} is enqueued with (ms, -1 none): the lower of the queue's and the message's {@code expiration}. */
    public long ttlOf(Message m) {
        long ttl = messageTtl;
        if (MessageProperties.hasExpiration(m.properties())) {
            long e = Expiration.parseOrNegative(m.typedProperties().expiration());
            if (e >= 0) ttl = ttl < 0 ? e : Math.min(ttl, e);
        }
        return ttl;
    }

    /**
     * Whether a message of {@code size} bytes fits beside {@code count} messages of {@code bytes} bytes (ready, plus
     * enqueues under way) in a queue that refuses what does not fit; a drop-head queue takes everything.
     */
    public boolean fits(long count, long bytes, int size) {
        if (overflow == Overflow.DROP_HEAD) return true;
        return !(maxLength >= 0 && count >= maxLength) && !(maxLengthBytes >= 0 && bytes + size > maxLengthBytes);
    }

    /** The level {@code m} is kept at, or -1 for the queue's ordinary level {@code plainLevel} (-1: no levels). */
    public int levelOf(Message m, int plainLevel) {
        if (plainLevel < 0) return -1;
        Integer p = MessageProperties.hasPriority(m.properties()) ? m.typedProperties().priority() : null;
        int level = p == null ? plainLevel : Math.min(p, Math.max(0, maxPriority));
        return level == plainLevel ? -1 : level;
    }

    /** Anything that needs the queue's engine to act by itself as time passes. */
    public boolean timed() { return messageTtl >= 0 || expires > 0; }

    /** The keys an operator policy may set (RabbitMQ's list; the in-memory and queue-version keys have no effect here). */
    public static final java.util.Set<String> OPERATOR_POLICY_KEYS = java.util.Set.of("expires", "message-ttl", "max-length",
            "max-length-bytes", "max-in-memory-length", "max-in-memory-bytes", "delivery-limit", "queue-version", "overflow");

    public static QueueFeatures of(QueueRecord q, PolicyRecord policy) { return of(q, policy, null); }

    public static QueueFeatures of(QueueRecord q, PolicyRecord policy, PolicyRecord operatorPolicy) {
        Map<String, Object> a = q.arguments();
        Map<String, Object> p = policy == null ? Map.of() : policy.definition();
        Map<String, Object> o = operatorPolicy == null ? Map.of() : operatorPolicy.definition();
        Object overflow = first(o.get("overflow"), first(a.get("x-overflow"), p.get("overflow")));
        Object strategy = first(a.get("x-dead-letter-strategy"), p.get("dead-letter-strategy"));
        Overflow of = overflow(overflow);
        Object dlx = first(a.get("x-dead-letter-exchange"), p.get("dead-letter-exchange"));
        Object dlrk = first(a.get("x-dead-letter-routing-key"), p.get("dead-letter-routing-key"));
        return new QueueFeatures(
                cap(min(a.get("x-message-ttl"), p.get("message-ttl")), o.get("message-ttl")),
                cap(min(a.get("x-expires"), p.get("expires")), o.get("expires")),
                cap(min(a.get("x-max-length"), p.get("max-length")), o.get("max-length")),
                cap(min(a.get("x-max-length-bytes"), p.get("max-length-bytes")), o.get("max-length-bytes")),
                of,
                dlx == null ? null : dlx.toString(),
                dlrk == null ? null : dlrk.toString(),
                // as RabbitMQ: at-least-once dead-lettering needs a quorum queue that rejects publishes when full
                q.isQuorum() && "at-least-once".equals(String.valueOf(strategy)) && of == Overflow.REJECT_PUBLISH,
                q.isQuorum() ? cap(min(a.get("x-delivery-limit"), p.get("delivery-limit")), o.get("delivery-limit")) : -1,
                q.isQuorum() ? QUORUM_LEVELS - 1 : (int) Math.min(255, number(a.get("x-max-priority"))),
                min(a.get("x-consumer-timeout"), p.get("consumer-timeout")),
                DelayedRetry.of(q.isQuorum(), a, p));
    }

    /**
     * Checks the arguments of a declare as RabbitMQ does (PRECONDITION_FAILED, "invalid arg ..."): non-negative
     * integers where a count or duration is asked, a positive expiry, a known overflow behaviour and strategy.
     */
    public static void check(String queue, Map<String, Object> args) {
        for (String k : new String[]{"x-message-ttl", "x-max-length", "x-max-length-bytes", "x-delivery-limit", "x-consumer-timeout",
                "x-delayed-retry-min", "x-delayed-retry-max"}) {
            Object v = args.get(k);
            if (v != null && (!(v instanceof Number n) || !integral(n) || n.longValue() < 0)) throw invalidArg(k, queue, v);
        }
        Object e = args.get("x-expires");
        if (e != null && (!(e instanceof Number n) || !integral(n) || n.longValue() <= 0)) throw invalidArg("x-expires", queue, e);
        Object prio = args.get("x-max-priority");
        if (prio != null && (!(prio instanceof Number n) || !integral(n) || n.longValue() < 0 || n.longValue() > 255)) {
            throw invalidArg("x-max-priority", queue, prio);
        }
        Object o = args.get("x-overflow");
        if (o != null && overflow(o) == null) throw invalidArg("x-overflow", queue, o);
        Object s = args.get("x-dead-letter-strategy");
        if (s != null && !s.toString().equals("at-most-once") && !s.toString().equals("at-least-once")) {
            throw invalidArg("x-dead-letter-strategy", queue, s);
        }
        Object retry = args.get("x-delayed-retry-type");
        if (retry != null && DelayedRetry.type(retry) == null) throw invalidArg("x-delayed-retry-type", queue, retry);
        Object dlrk = args.get("x-dead-letter-routing-key");
        if (dlrk != null && args.get("x-dead-letter-exchange") == null) {
            throw DomainException.precondition("invalid arg 'x-dead-letter-routing-key' for queue '" + queue
                    + "': Key x-dead-letter-exchange is mandatory if x-dead-letter-routing-key is set");
        }
    }

    private static DomainException invalidArg(String key, String queue, Object v) {
        return DomainException.precondition("invalid arg '" + key + "' for queue '" + queue + "': "
                + io.warren.metadata.codec.FieldTables.render(v));
    }

    private static boolean integral(Number n) {
        return !(n instanceof Float || n instanceof Double || n instanceof java.math.BigDecimal) || n.doubleValue() == Math.rint(n.doubleValue());
    }

    private static Overflow overflow(Object v) {
        if (v == null) return Overflow.DROP_HEAD;
        return switch (v.toString()) {
            case "drop-head" -> Overflow.DROP_HEAD;
            case "reject-publish" -> Overflow.REJECT_PUBLISH;
            case "reject-publish-dlx" -> Overflow.REJECT_PUBLISH_DLX;
            default -> null;
        };
    }

    private static Object first(Object argument, Object policy) { return argument != null ? argument : policy; }

    private static long min(Object argument, Object policy) {
        long a = number(argument), p = number(policy);
        if (a < 0) return p;
        if (p < 0) return a;
        return Math.min(a, p);
    }

    /** {@code value} capped by an operator policy's {@code limit}: the lower one, whichever is set. */
    private static long cap(long value, Object limit) {
        long l = number(limit);
        if (l < 0) return value;
        return value < 0 ? l : Math.min(value, l);
    }

    private static long number(Object v) {
        if (v instanceof Number n && n.longValue() >= 0) return n.longValue();
        if (v instanceof String s) {
            try { return Long.parseLong(s.trim()); } catch (NumberFormatException e) { return -1; }
        }
        return -1;
    }
}
