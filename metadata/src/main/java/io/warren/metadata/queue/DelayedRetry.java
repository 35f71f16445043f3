package io.warren.metadata.queue;

import java.util.Map;

/**
 * RabbitMQ 4.3's delayed retry of quorum queues ({@code x-delayed-retry-type}, {@code -min}, {@code -max} and the
 * policy keys {@code delayed-retry-type}, {@code -min}, {@code -max}): a message returned to the queue waits
 * {@code min(min × delivery count, max)} ms before it is ready again. Which returns wait: {@code all}; {@code failed}
 * — those after a failed delivery (basic.nack / basic.reject with requeue); {@code returned} — the others (the
 * channel or connection closed, the consumer was cancelled or timed out, basic.recover); {@code disabled} (default).
 */
public record DelayedRetry(Type type, long minMs, long maxMs) {
    public enum Type { DISABLED, ALL, FAILED, RETURNED }

    public static final DelayedRetry NONE = new DelayedRetry(Type.DISABLED, 0, -1);

    /** How long a message returned for the {@code deliveryCount}-th time waits (ms); 0: it is ready at once. */
    public long delayMs(boolean failed, long deliveryCount) {
        boolean applies = switch (type) {
            case DISABLED -> false;
            case ALL -> true;
            case FAILED -> failed;
            case RETURNED -> !failed;
        };
        if (!applies || minMs <= 0) return 0;
        long d = minMs * Math.max(1, deliveryCount);
        if (d < 0) d = Long.MAX_VALUE; // overflow
        return maxMs >= 0 ? Math.min(d, maxMs) : d;
    }

    /** From a quorum queue's arguments (which win) and its policy; a classic queue never delays (as RabbitMQ). */
    static DelayedRetry of(boolean quorum, Map<String, Object> args, Map<String, Object> policy) {
        if (!quorum) return NONE;
        Type t = type(first(args.get("x-delayed-retry-type"), policy.get("delayed-retry-type")));
        if (t == null || t == Type.DISABLED) return NONE;
        long min = number(first(args.get("x-delayed-retry-min"), policy.get("delayed-retry-min")));
        long max = number(first(args.get("x-delayed-retry-max"), policy.get("delayed-retry-max")));
        return new DelayedRetry(t, Math.max(0, min), max);
    }

    /** Null for a value that names no type. */
    static Type type(Object v) {
        if (v == null) return Type.DISABLED;
        return switch (v.toString()) {
            case "disabled" -> Type.DISABLED;
            case "all" -> Type.ALL;
            case "failed" -> Type.FAILED;
            case "returned" -> Type.RETURNED;
            default -> null;
        };
    }

    private static Object first(Object a, Object p) { return a != null ? a : p; }

    private static long number(Object v) {
        if (v instanceof Number n && n.longValue() >= 0) return n.longValue();
        if (v instanceof String s) {
            try { return Long.parseLong(s.trim()); } catch (NumberFormatException e) { return -1; }
        }
        return -1;
    }
}
