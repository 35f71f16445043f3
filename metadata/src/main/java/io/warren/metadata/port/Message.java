package io.warren.metadata.port;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;

/**
 * A message as the broker keeps it: where it was published, the content header's property section exactly
 * as the publisher sent it (flags and fields, so every property round-trips byte for byte), and the body.
 */
public record Message(String exchange, String routingKey, byte[] properties, byte[] body) {
    public long bodySize() { return body.length; }

    /** Bytes this message takes in a queue (what length limits and memory budgets count). */
    public int footprint() { return body.length + properties.length + exchange.length() + routingKey.length() + 16; }

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
