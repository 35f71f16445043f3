package io.warren.metadata.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte sink: the one writer behind the command codec and the AMQP field tables. */
public final class BinaryWriter {
    private byte[] buf;
    private int len;

    public BinaryWriter() { this(64); }

    public BinaryWriter(int initialCapacity) { buf = new byte[Math.max(16, initialCapacity)]; }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public BinaryWriter u8(int v) { ensure(1); buf[len++] = (byte) v; return this; }

    public BinaryWriter u16(int v) { ensure(2); buf[len++] = (byte) (v >>> 8); buf[len++] = (byte) v; return this; }

    public BinaryWriter i32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24); buf[len++] = (byte) (v >>> 16); buf[len++] = (byte) (v >>> 8); buf[len++] = (byte) v;
        return this;
    }

    public BinaryWriter i64(long v) { i32((int) (v >>> 32)); return i32((int) v); }

    public BinaryWriter bytes(byte[] b) { return bytes(b, 0, b.length); }

    public BinaryWriter bytes(byte[] b, int off, int n) { ensure(n); System.arraycopy(b, off, buf, len, n); len += n; return this; }

    public BinaryWriter bool(boolean b) { return u8(b ? 1 : 0); }

    /** AMQP short string: one length octet, at most 255 bytes of UTF-8. */
    public BinaryWriter shortStr(String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (b.length > 255) throw new IllegalArgumentException("short string longer than 255 bytes");
        u8(b.length);
        return bytes(b);
    }

    /** Length-prefixed (32-bit) byte string. */
    public BinaryWriter longBytes(byte[] b) { i32(b == null ? 0 : b.length); return b == null ? this : bytes(b); }

    public BinaryWriter longStr(String s) { return longBytes(s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8)); }

    /** Overwrites four bytes at {@code pos} (for lengths known only afterwards). */
    public void patchI32(int pos, int v) {
        buf[pos] = (byte) (v >>> 24); buf[pos + 1] = (byte) (v >>> 16); buf[pos + 2] = (byte) (v >>> 8); buf[pos + 3] = (byte) v;
    }

    public int size() { return len; }

    public byte[] array() { return buf; }

    public byte[] toByteArray() { return Arrays.copyOf(buf, len); }

    public void reset() { len = 0; }
}
