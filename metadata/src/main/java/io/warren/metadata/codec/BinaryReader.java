package io.warren.metadata.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian reader over a byte buffer. Every read is bounds-checked: a truncated or lying input raises
 * {@link MalformedException}, never an allocation sized by the peer beyond what the buffer holds.
 */
public final class BinaryReader {
    private final ByteBuffer buf;

    public BinaryReader(ByteBuffer buf) { this.buf = buf; }

    public BinaryReader(byte[] b) { this(ByteBuffer.wrap(b)); }

    public BinaryReader(byte[] b, int off, int len) { this(ByteBuffer.wrap(b, off, len)); }

    private void need(int n) {
        if (n < 0 || buf.remaining() < n) throw new MalformedException("truncated: need " + n + " bytes, have " + buf.remaining());
    }

    public int u8() { need(1); return buf.get() & 0xff; }

    public int u16() { need(2); return buf.getShort() & 0xffff; }

    public int i32() { need(4); return buf.getInt(); }

    public long i64() { need(8); return buf.getLong(); }

    public boolean bool() { return u8() != 0; }

    /** A count of items that take at least {@code minBytesEach} each: refused when the input cannot hold that many. */
    public int count(int minBytesEach) {
        int n = i32();
        if (n < 0 || (long) n * minBytesEach > buf.remaining()) throw new MalformedException("count " + n + " exceeds the input");
        return n;
    }

    public byte[] bytes(int n) { need(n); byte[] b = new byte[n]; buf.get(b); return b; }

    public String shortStr() { int n = u8(); return utf8(bytes(n)); }

    public byte[] longBytes() {
        int n = i32();
        if (n < 0) throw new MalformedException("negative length " + n);
        return bytes(n);
    }

    public String longStr() { return utf8(longBytes()); }

    /**
     * Strict UTF-8: bytes that are not UTF-8 would come back as U+FFFD and be written on changed (a header key or value
     * altered, a 255-byte key grown past 255), so they are refused instead of decoded leniently.
     */
    static String utf8(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') >= 0) { // rare: a real U+FFFD, or a replacement for bad input
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new MalformedException("string is not valid UTF-8");
            }
        }
        return s;
    }

    public int remaining() { return buf.remaining(); }

    public boolean hasRemaining() { return buf.hasRemaining(); }

    /** A reader over the next {@code n} bytes, advancing this one past them. */
    public BinaryReader slice(int n) {
        need(n);
        ByteBuffer s = buf.slice();
        s.limit(n);
        buf.position(buf.position() + n);
        return new BinaryReader(s);
    }

    public static final class MalformedException extends RuntimeException {
        public MalformedException(String msg) { super(msg); }
    }
}
