package io.warren.metadata.model;

import java.util.Map;

public record ExchangeRecord(String vhost, String name, ExchangeType type, boolean durable, boolean autoDelete,
                             boolean internal, Map<String, Object> arguments) {
    public ExchangeRecord {
        arguments = Map.copyOf(nullToEmpty(arguments));
    }

    static Map<String, Object> nullToEmpty(Map<String, Object> m) {
        if (m == null) return Map.of();
        // Map.copyOf rejects null values: a void value is kept as FieldTables.VOID (headers bindings match on it)
        java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v == null ? io.warren.metadata.codec.FieldTables.VOID : v));
        return c;
    }

    /** The alternate exchange named by the {@code alternate-exchange} argument, or null. */
    public String alternateExchange() {
        Object ae = arguments.get("alternate-exchange");
        return ae == null ? null : ae.toString();
    }

    /** The default exchange ("") and the predeclared {@code amq.*} exchanges. */
    public boolean builtIn() { return name.isEmpty() || name.startsWith("amq."); }

    public String describe() { return "exchange '" + name + "' in vhost '" + vhost + "'"; }
}
