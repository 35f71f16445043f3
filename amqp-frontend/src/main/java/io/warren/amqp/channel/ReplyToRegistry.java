package io.warren.amqp.channel;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Direct reply-to (amq.rabbitmq.reply-to): requesters consume from the pseudo-queue; their requests carry a
 * reply-to name naming their channel; replies published to that name go straight to the channel, no queue.
 */
public final class ReplyToRegistry {
    public static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
    public static final String PREFIX = PSEUDO_QUEUE + ".";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, AmqpChannel> channels = new ConcurrentHashMap<>();

    /** Registers a channel's reply consumer; returns the reply-to name requests will carry. */
    public String register(AmqpChannel channel) {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        channels.put(token, channel);
        return PREFIX + token;
    }

    public void unregister(String name) {
        if (name != null && name.startsWith(PREFIX)) channels.remove(name.substring(PREFIX.length()));
    }

    public AmqpChannel lookup(String routingKey) {
        return routingKey.startsWith(PREFIX) ? channels.get(routingKey.substring(PREFIX.length())) : null;
    }
}
