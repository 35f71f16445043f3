package io.warren.raft.queue;

import java.util.BitSet;

/**
 * The offsets present in a queue: a bitmap over a sliding window, one bit per offset between the oldest
 * present message and the newest. Messages leave mostly from the head, so the window is rebased as the
 * head moves; ten million messages cost about 1.2 MB.
 */
final class OffsetSet {
    private BitSet bits = new BitSet();
    private long base;
    private long count;

    void add(long offset) {
        if (offset < base) rebaseDown(offset);
        int i = index(offset);
        if (!bits.get(i)) { bits.set(i); count++; }
    }

    boolean remove(long offset) {
        if (offset < base) return false;
        long rel = offset - base;
        if (rel >= Integer.MAX_VALUE) return false;
        int i = (int) rel;
        if (!bits.get(i)) return false;
        bits.clear(i);
        count--;
        maybeCompact();
        return true;
    }

    boolean contains(long offset) {
        if (offset < base) return false;
        long rel = offset - base;
        return rel < Integer.MAX_VALUE && bits.get((int) rel);
    }

    /** The smallest present offset ≥ from, or -1. */
    long firstFrom(long from) {
        long rel = Math.max(0, from - base);
        if (rel >= Integer.MAX_VALUE) return -1;
        int i = bits.nextSetBit((int) rel);
        return i < 0 ? -1 : base + i;
    }

    long count() { return count; }

    void clear() { bits = new BitSet(); count = 0; }

    private int index(long offset) {
        long rel = offset - base;
        if (rel >= Integer.MAX_VALUE - 64) {
            compactTo(firstFrom(base) < 0 ? offset : firstFrom(base));
            rel = offset - base;
            if (rel >= Integer.MAX_VALUE - 64) throw new IllegalStateException("offset window too wide");
        }
        return (int) rel;
    }

    private void maybeCompact() {
        int first = bits.nextSetBit(0);
        if (first < 0) {
            if (bits.length() > 0 || bits.size() > 1024) { base += bits.length(); bits = new BitSet(); }
        } else if (first >= 1 << 16) {
            compactTo(base + first);
        }
    }

    private void compactTo(long newBase) {
        long aligned = newBase - Math.floorMod(newBase - base, 64);
        int shift = (int) (aligned - base);
        bits = bits.get(shift, Math.max(shift, bits.length()));
        base = aligned;
    }

    private void rebaseDown(long offset) {
        long aligned = offset - Math.floorMod(offset, 64);
        int shift = (int) (base - aligned);
        BitSet n = new BitSet(bits.length() + shift);
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) n.set(i + shift);
        bits = n;
        base = aligned;
    }
}
