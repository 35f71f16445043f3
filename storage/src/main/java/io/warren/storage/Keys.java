package io.warren.storage;

import java.nio.ByteBuffer;

/** Fixed-width big-endian keys, so that byte order is numeric order. */
public final class Keys {
    private Keys() { }

    public static byte[] of(long a) { return ByteBuffer.allocate(8).putLong(a).array(); }

    public static byte[] of(long a, long b) { return ByteBuffer.allocate(16).putLong(a).putLong(b).array(); }

    public static byte[] of(String prefix, long a) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(a).array();
    }

    public static byte[] of(String s) { return s.getBytes(java.nio.charset.StandardCharsets.UTF_8); }

    public static long longAt(byte[] key, int offset) { return ByteBuffer.wrap(key, offset, 8).getLong(); }
}
