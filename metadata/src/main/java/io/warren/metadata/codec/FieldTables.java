package io.warren.metadata.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field tables and arrays in the layout AMQP 0-9-1 uses (RabbitMQ's type letters), decoded to plain Java
 * values: t Boolean, b Byte, B/s Short, u/I Integer, i/l Long, f Float, d Double, D BigDecimal, S String,
 * x byte[], A List, T Date, F Map, V null. Arguments of declares and message headers use this one codec.
 */
public final class FieldTables {
    /** Nesting deeper than this is refused as malformed (a peer cannot make us recurse without bound). */
    public static final int MAX_DEPTH = 64;

    private FieldTables() { }

    /**
     * A void field value kept in a record's arguments (decoded tables carry {@code null}; immutable maps cannot):
     * a headers binding with a void value matches a message that has that header, whatever its value.
     */
    public enum VoidValue { VOID; @Override public String toString() { return "void"; } }

    public static final VoidValue VOID = VoidValue.VOID;

    public static Map<String, Object> readTable(BinaryReader r) { return readTable(r, 0); }

    private static Map<String, Object> readTable(BinaryReader r, int depth) {
        if (depth > MAX_DEPTH) throw new BinaryReader.MalformedException("field table nested too deeply");
        long len = r.i32() & 0xffffffffL;
        if (len > r.remaining()) throw new BinaryReader.MalformedException("field table length " + len + " exceeds frame");
        BinaryReader t = r.slice((int) len);
        Map<String, Object> m = new LinkedHashMap<>();
        while (t.hasRemaining()) {
            String key = t.shortStr();
            m.put(key, readValue(t, depth));
        }
        return m;
    }

    private static List<Object> readArray(BinaryReader r, int depth) {
        if (depth > MAX_DEPTH) throw new BinaryReader.MalformedException("field array nested too deeply");
        long len = r.i32() & 0xffffffffL;
        if (len > r.remaining()) throw new BinaryReader.MalformedException("field array length " + len + " exceeds frame");
        BinaryReader t = r.slice((int) len);
        List<Object> l = new ArrayList<>();
        while (t.hasRemaining()) l.add(readValue(t, depth));
        return l;
    }

    private static Object readValue(BinaryReader r, int depth) {
        int type = r.u8();
        return switch (type) {
            case 't' -> r.bool();
            case 'b' -> (byte) r.u8();
            case 'B' -> (short) r.u8();
            case 's' -> (short) r.u16();
            case 'u' -> r.u16();
            case 'I' -> r.i32();
            case 'i' -> r.i32() & 0xffffffffL;
            case 'l' -> r.i64();
            case 'f' -> Float.intBitsToFloat(r.i32());
            case 'd' -> Double.longBitsToDouble(r.i64());
            case 'D' -> {
                int scale = r.u8();
                int unscaled = r.i32();
                yield new BigDecimal(BigInteger.valueOf(unscaled), scale);
            }
            case 'S' -> new String(r.longBytes(), StandardCharsets.UTF_8);
            case 'x' -> r.longBytes();
            case 'A' -> readArray(r, depth + 1);
            case 'T' -> { // seconds; a value whose milliseconds overflow a long would not come back as sent: refused
                long seconds = r.i64();
                if (seconds > Long.MAX_VALUE / 1000 || seconds < Long.MIN_VALUE / 1000) {
                    throw new BinaryReader.MalformedException("timestamp " + seconds + " out of range");
                }
                yield new Date(seconds * 1000L);
            }
            case 'F' -> readTable(r, depth + 1);
            case 'V' -> null;
            default -> throw new BinaryReader.MalformedException("unknown field type '" + (char) type + "' (" + type + ")");
        };
    }

    public static void writeTable(BinaryWriter w, Map<String, ?> table) {
        int pos = w.size();
        w.i32(0);
        if (table != null) {
            for (Map.Entry<String, ?> e : table.entrySet()) {
                w.shortStr(e.getKey());
                writeValue(w, e.getValue());
            }
        }
        w.patchI32(pos, w.size() - pos - 4);
    }

    private static void writeArray(BinaryWriter w, List<?> list) {
        int pos = w.size();
        w.i32(0);
        for (Object o : list) writeValue(w, o);
        w.patchI32(pos, w.size() - pos - 4);
    }

    @SuppressWarnings("unchecked")
    public static void writeValue(BinaryWriter w, Object v) {
        if (v == null || v == VOID) w.u8('V');
        else if (v instanceof String s) { w.u8('S'); w.longStr(s); }
        else if (v instanceof Boolean b) { w.u8('t'); w.bool(b); }
        else if (v instanceof Byte b) { w.u8('b'); w.u8(b); }
        else if (v instanceof Short s) { w.u8('s'); w.u16(s); }
        else if (v instanceof Integer i) { w.u8('I'); w.i32(i); }
        else if (v instanceof Long l) { w.u8('l'); w.i64(l); }
        else if (v instanceof Float f) { w.u8('f'); w.i32(Float.floatToIntBits(f)); }
        else if (v instanceof Double d) { w.u8('d'); w.i64(Double.doubleToLongBits(d)); }
        else if (v instanceof BigDecimal d) {
            w.u8('D');
            w.u8(d.scale());
            w.i32(d.unscaledValue().intValueExact());
        } else if (v instanceof byte[] b) { w.u8('x'); w.longBytes(b); }
        else if (v instanceof Date d) { w.u8('T'); w.i64(d.getTime() / 1000L); }
        else if (v instanceof Map<?, ?> m) { w.u8('F'); writeTable(w, (Map<String, ?>) m); }
        else if (v instanceof List<?> l) { w.u8('A'); writeArray(w, l); }
        else if (v instanceof Object[] a) { w.u8('A'); writeArray(w, List.of(a)); }
        else throw new IllegalArgumentException("cannot encode field value of " + v.getClass());
    }

    /** Encodes a table to bytes (length prefix included). */
    public static byte[] encode(Map<String, ?> table) {
        BinaryWriter w = new BinaryWriter();
        writeTable(w, table);
        return w.toByteArray();
    }

    public static Map<String, Object> decode(byte[] b) { return readTable(new BinaryReader(b)); }

    /** Value equality for field values, comparing arrays and nested tables by content. */
    public static boolean valueEquals(Object a, Object b) {
        if (a == VOID) a = null;
        if (b == VOID) b = null;
        if (a instanceof byte[] x && b instanceof byte[] y) return java.util.Arrays.equals(x, y);
        if (a instanceof Number x && b instanceof Number y && !(a instanceof BigDecimal) && !(b instanceof BigDecimal)
                && !(a instanceof Float || a instanceof Double || b instanceof Float || b instanceof Double)) {
            return x.longValue() == y.longValue();
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !valueEquals(e.getValue(), y.get(e.getKey()))) return false;
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!valueEquals(x.get(i), y.get(i))) return false;
            return true;
        }
        return java.util.Objects.equals(a, b);
    }

    /** The name RabbitMQ gives a value's field type in error texts. */
    public static String typeName(Object v) {
        if (v == null || v == VOID) return "void";
        if (v instanceof String) return "longstr";
        if (v instanceof Long) return "long";
        if (v instanceof Integer) return "signedint";
        if (v instanceof Short) return "short";
        if (v instanceof Byte) return "byte";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Float) return "float";
        if (v instanceof Double) return "double";
        if (v instanceof BigDecimal) return "decimal";
        if (v instanceof byte[]) return "binary";
        if (v instanceof Date) return "timestamp";
        if (v instanceof Map) return "table";
        if (v instanceof List) return "array";
        return v.getClass().getSimpleName().toLowerCase();
    }

    /** Renders a value as RabbitMQ does in error texts. */
    public static String render(Object v) {
        if (v == null) return "none";
        if (v instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        return String.valueOf(v);
    }
}
