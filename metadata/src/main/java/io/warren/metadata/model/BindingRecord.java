package io.warren.metadata.model;

import java.util.Map;

/** A binding from exchange {@code source} to a queue or exchange {@code destination}. */
public record BindingRecord(String vhost, String source, boolean toExchange, String destination, String routingKey,
                            Map<String, Object> arguments) {
    public BindingRecord {
        arguments = Map.copyOf(ExchangeRecord.nullToEmpty(arguments));
    }

    /** Bindings are identified by all their fields (RabbitMQ compares arguments too). */
    public boolean sameAs(BindingRecord o) {
        return vhost.equals(o.vhost) && source.equals(o.source) && toExchange == o.toExchange
                && destination.equals(o.destination) && routingKey.equals(o.routingKey)
                && io.warren.metadata.codec.FieldTables.valueEquals(arguments, o.arguments);
    }
}
