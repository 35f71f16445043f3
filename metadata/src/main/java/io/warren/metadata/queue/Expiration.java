package io.warren.metadata.queue;

import io.warren.metadata.model.DomainException;

/** The {@code expiration} property: a message's TTL in ms, written as a non-negative decimal integer (RabbitMQ's rule). */
public final class Expiration {
    private Expiration() { }

    /** The TTL, or PRECONDITION_FAILED worded as RabbitMQ words it. */
    public static long parse(String expiration) {
        String reason;
        try {
            long v = Long.parseLong(expiration);
            if (v >= 0) return v;
            reason = "{value_negative," + v + "}";
        } catch (NumberFormatException e) {
            int i = 0;
            if (i < expiration.length() && (expiration.charAt(i) == '-' || expiration.charAt(i) == '+')) i++;
            int digits = i;
            while (i < expiration.length() && Character.isDigit(expiration.charAt(i))) i++;
            reason = i == digits ? "no_integer" : "{leftover_string,\"" + expiration.substring(i) + "\"}";
        }
        throw DomainException.precondition("invalid expiration '" + expiration + "': " + reason);
    }

    /** The TTL, or -1 when the property is not a valid one. */
    public static long parseOrNegative(String expiration) {
        if (expiration == null) return -1;
        try {
            long v = Long.parseLong(expiration);
            return v >= 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
