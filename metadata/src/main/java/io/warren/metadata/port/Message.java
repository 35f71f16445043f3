package io.warren.metadata.port;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;

/**
 * A message as the broker keeps it: where it was published, the content header's property section exactly
 * as the publisher sent it (flags and fields, so every property round-trips byte for byte), and the body.
 * {@link #typedProperties} is the typed view of the properties; {@link #of} builds a message from one.
 */
public record Message(String exchange, String routingKey, byte[] properties, byte[] body) {
    /** A message published with typed properties (null: none), as a front end without AMQP's byte form builds it. */
    public static Message of(String exchange, String routingKey, MessageProperties properties, byte[] body) {
        return new Message(exchange, routingKey, properties == null ? MessageProperties.EMPTY.clone() : properties.encode(), body);
    }

    /** The properties, decoded (malformed bytes raise {@link BinaryReader.MalformedException}). */
    public MessageProperties typedProperties() { return MessageProperties.decode(properties); }

    /** This message with header {@code name} set to {@code value} (the other properties as they were). */
    public Message withHeader(String name, Object value) {
        MessageProperties p = typedProperties();
        java.util.Map<String, Object> h = p.headers() == null ? new java.util.LinkedHashMap<>() : new java.util.LinkedHashMap<>(p.headers());
        h.put(name, value);
        return new Message(exchange, routingKey, p.withHeaders(h).encode(), body);
    }

    public long bodySize() { return body.length; }

    /** Bytes this message takes in memory: its arrays plus what the JVM spends on the objects around them. */
    public int footprint() { return body.length + properties.length + 2 * (exchange.length() + routingKey.length()) + OVERHEAD; }

    /** The record, two arrays, two strings and a cache entry, measured: about 200 bytes besides the contents. */
    static final int OVERHEAD = 200;

    public void writeTo(BinaryWriter w) {
        w.shortStr(exchange).shortStr(routingKey).longBytes(properties).longBytes(body);
    }

    public static Message readFrom(BinaryReader r) {
        return new Message(r.shortStr(), r.shortStr(), r.longBytes(), r.longBytes());
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(body.length + properties.length + 64);
        writeTo(w);
        return w.toByteArray();
    }

    public static Message decode(byte[] b) { return readFrom(new BinaryReader(b)); }
}
