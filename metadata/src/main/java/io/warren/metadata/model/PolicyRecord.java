package io.warren.metadata.model;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A policy as RabbitMQ has them: a name, a pattern over queue (or exchange) names, what it applies to, a
 * definition of keys and values, and a priority (the highest matching policy wins).
 */
public record PolicyRecord(String vhost, String name, String pattern, String applyTo, Map<String, Object> definition,
                           int priority) {
    public PolicyRecord {
        definition = Map.copyOf(ExchangeRecord.nullToEmpty(definition));
    }

    public boolean appliesToQueue(String queueName) {
        return (applyTo.equals("all") || applyTo.equals("queues") || applyTo.equals("quorum_queues"))
                && Pattern.compile(pattern).matcher(queueName).find();
    }
}
