package io.warren.metadata.codec;

/**
 * An enum value as it is written to the Raft logs, snapshots and the link between nodes: a fixed number chosen
 * once, never the ordinal (reordering or inserting constants must not change what old bytes mean).
 */
public interface StableCode {
    int code();

    /** The constant of {@code values} whose code is {@code code}; a malformed-input error for any other number. */
    static <E extends Enum<E> & StableCode> E of(E[] values, int code) {
        for (E e : values) if (e.code() == code) return e;
        String type = values.length == 0 ? "enum" : values[0].getDeclaringClass().getSimpleName();
        throw new BinaryReader.MalformedException("unknown " + type + " code " + code);
    }
}
