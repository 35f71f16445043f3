package io.warren.amqp.method;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.FieldTables;

import java.util.Map;

/** Reads method arguments, packing consecutive bits into octets as AMQP does. */
public final class MethodReader {
    private final BinaryReader r;
    private int bits;
    private int bitIndex = 8;

    public MethodReader(BinaryReader r) { this.r = r; }

    private void endBits() { bitIndex = 8; }

    public int octet() { endBits(); return r.u8(); }

    public int shortInt() { endBits(); return r.u16(); }

    public int longInt() { endBits(); return r.i32(); }

    public long longLong() { endBits(); return r.i64(); }

    public String shortStr() { endBits(); return r.shortStr(); }

    public byte[] longStr() { endBits(); return r.longBytes(); }

    public Map<String, Object> table() { endBits(); return FieldTables.readTable(r); }

    public boolean bit() {
        if (bitIndex == 8) { bits = r.u8(); bitIndex = 0; }
        return (bits & (1 << bitIndex++)) != 0;
    }
}
