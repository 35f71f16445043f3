package io.warren.metadata.codec;

import java.util.Arrays;

/**
 * An enum value as it is written to the Raft logs, snapshots and the link between nodes: a fixed number chosen
 * once, never the ordinal (reordering or inserting constants must not change what old bytes mean). Codes are small
 * non-negative numbers; each enum keeps a table of its constants by code ({@link #byCode}) for decoding.
 */
public interface StableCode {
    int code();

    /** The constants indexed by their code (gaps are null); a duplicate code fails the enum's initialisation. */
    static <E extends Enum<E> & StableCode> E[] byCode(E[] values) {
        int max = 0;
        for (E e : values) max = Math.max(max, e.code());
        E[] table = Arrays.copyOf(values, max + 1);
        Arrays.fill(table, null);
        for (E e : values) {
            if (e.code() < 0 || table[e.code()] != null) throw new IllegalStateException("bad or duplicate code " + e.code() + " of " + e);
            table[e.code()] = e;
        }
        return table;
    }

    /** The constant whose code is {@code code}, from a {@link #byCode} table; a malformed-input error for any other number. */
    static <E extends Enum<E> & StableCode> E of(E[] byCode, int code) {
        E e = code >= 0 && code < byCode.length ? byCode[code] : null;
        if (e != null) return e;
        String type = Arrays.stream(byCode).filter(x -> x != null).findFirst().map(x -> x.getDeclaringClass().getSimpleName()).orElse("enum");
        throw new BinaryReader.MalformedException("unknown " + type + " code " + code);
    }
}
