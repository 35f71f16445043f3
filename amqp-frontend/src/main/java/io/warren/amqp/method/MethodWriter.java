package io.warren.amqp.method;

import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;

import java.util.Map;

/** Writes method arguments, packing consecutive bits into octets as AMQP does. */
public final class MethodWriter {
    private final BinaryWriter w;
    private int bits;
    private int bitIndex = -1;

    public MethodWriter(BinaryWriter w) { this.w = w; }

    public void flushBits() {
        if (bitIndex >= 0) { w.u8(bits); bits = 0; bitIndex = -1; }
    }

    public void octet(int v) { flushBits(); w.u8(v); }

    public void shortInt(int v) { flushBits(); w.u16(v); }

    public void longInt(int v) { flushBits(); w.i32(v); }

    public void longLong(long v) { flushBits(); w.i64(v); }

    public void shortStr(String s) { flushBits(); w.shortStr(s); }

    public void longStr(byte[] b) { flushBits(); w.longBytes(b); }

    public void table(Map<String, Object> t) { flushBits(); FieldTables.writeTable(w, t); }

    public void bit(boolean b) {
        if (bitIndex == 7) flushBits();
        if (bitIndex < 0) bitIndex = 0; else bitIndex++;
        if (b) bits |= 1 << bitIndex;
    }
}
