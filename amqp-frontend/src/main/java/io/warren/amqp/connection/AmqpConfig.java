package io.warren.amqp.connection;

import java.util.Set;

/**
 * Front-end limits, RabbitMQ's defaults: frame_max offered 131072, channel_max 2047, heartbeat 60 s,
 * bodies up to 128 MiB, 10 s to complete the handshake. {@code loopbackExempt}: users whose loopback-only
 * restriction this node lifts (RabbitMQ's {@code loopback_users.guest = false}). {@code consumerTimeoutMs}: how long a
 * delivery may stay unacknowledged (RabbitMQ's {@code consumer_timeout}, 30 minutes; a queue's own overrides it).
 */
public record AmqpConfig(String bindHost, int port, int frameMax, int channelMax, int heartbeatSeconds,
                         long bodySizeMax, int handshakeTimeoutMs, Set<String> loopbackExempt, long consumerTimeoutMs) {
    /** The largest frame before connection.tune-ok has negotiated frame_max: AMQP's minimum frame size. */
    public static final int HANDSHAKE_FRAME_MAX = 4096;

    public AmqpConfig {
        loopbackExempt = Set.copyOf(loopbackExempt);
    }

    public static AmqpConfig defaults(String bindHost, int port) {
        return new AmqpConfig(bindHost, port, 131072, 2047, 60, 128L << 20, 10_000, Set.of(), 1_800_000);
    }

    public AmqpConfig withHeartbeat(int seconds) {
        return new AmqpConfig(bindHost, port, frameMax, channelMax, seconds, bodySizeMax, handshakeTimeoutMs, loopbackExempt, consumerTimeoutMs);
    }

    public AmqpConfig withHandshakeTimeout(int ms) {
        return new AmqpConfig(bindHost, port, frameMax, channelMax, heartbeatSeconds, bodySizeMax, ms, loopbackExempt, consumerTimeoutMs);
    }

    public AmqpConfig withLimits(int frameMax, int channelMax, long bodySizeMax) {
        return new AmqpConfig(bindHost, port, frameMax, channelMax, heartbeatSeconds, bodySizeMax, handshakeTimeoutMs, loopbackExempt, consumerTimeoutMs);
    }

    public AmqpConfig withConsumerTimeout(long ms) {
        return new AmqpConfig(bindHost, port, frameMax, channelMax, heartbeatSeconds, bodySizeMax, handshakeTimeoutMs, loopbackExempt, ms);
    }

    /** Whether {@code user}, loopback-only by its record, may connect from other hosts on this node ("*": every user). */
    public boolean exemptFromLoopback(String user) { return loopbackExempt.contains(user) || loopbackExempt.contains("*"); }

    public AmqpConfig withLoopbackExempt(Set<String> users) {
        return new AmqpConfig(bindHost, port, frameMax, channelMax, heartbeatSeconds, bodySizeMax, handshakeTimeoutMs, users, consumerTimeoutMs);
    }
}
