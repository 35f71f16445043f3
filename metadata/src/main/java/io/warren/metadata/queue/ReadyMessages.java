package io.warren.metadata.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which of a queue's present messages are ready, in the order they go out, and which are checked out (delivered, or
 * taken by a feature, and not yet settled or returned). Ready = messages with a level above the ordinary one (highest
 * first), then returned offsets (oldest first) and present offsets at or after the cursor, then levels below. What is
 * present, and at which level, the engine's store says. Not thread-safe: the engine's lock guards it.
 */
final class ReadyMessages {
    private static final int[] NO_LEVELS = {};

    private final QueueEngine store;
    /** The ordinary priority level (messages at it are not in a level of their own); -1: the queue has no priorities. */
    private final int plainLevel;
    /** Checked-out offsets → their body bytes. */
    private final Map<Long, Integer> checkedOut = new HashMap<>();
    private long checkedOutBytes;
    private final TreeSet<Long> returned = new TreeSet<>();
    /** Returned messages with a level of their own: ready through their level, flagged redelivered when taken. */
    private final Set<Long> returnedLevelled = new HashSet<>();
    private long cursor;
    /** Returned messages waiting for their delayed retry, by when they are ready again; checked out until then. */
    private final TreeMap<Long, List<Long>> delayed = new TreeMap<>();

    ReadyMessages(QueueEngine store, int plainLevel) {
        this.store = store;
        this.plainLevel = plainLevel;
    }

    int plainLevel() { return plainLevel; }

    int checkedOutCount() { return checkedOut.size(); }

    long checkedOutBytes() { return checkedOutBytes; }

    boolean isCheckedOut(long off) { return checkedOut.containsKey(off); }

    long[] checkedOutOffsets() { return checkedOut.keySet().stream().mapToLong(Long::longValue).toArray(); }

    /** The message that goes out next, or -1. */
    long next() {
        int[] levels = plainLevel < 0 ? NO_LEVELS : store.levelsDescending();
        for (int l : levels) {
            if (l <= plainLevel) break;
            long o = firstReadyAt(l);
            if (o >= 0) return o;
        }
        long o = nextPlain(levels.length > 0);
        if (o >= 0) return o;
        for (int l : levels) {
            if (l >= plainLevel) continue;
            long x = firstReadyAt(l);
            if (x >= 0) return x;
        }
        return -1;
    }

    private long firstReadyAt(int level) {
        for (long o = store.firstAtLevel(level, 0); o >= 0; o = store.firstAtLevel(level, o + 1)) {
            if (!checkedOut.containsKey(o)) return o;
        }
        return -1;
    }

    private long nextPlain(boolean levelled) {
        while (!returned.isEmpty()) {
            long o = returned.first();
            if (store.isPresent(o) && !checkedOut.containsKey(o)) return o;
            returned.pollFirst();
        }
        while (true) {
            long o = store.firstPresentFrom(cursor);
            if (o < 0) return -1;
            if (!checkedOut.containsKey(o) && !(levelled && store.hasLevel(o))) return o;
            cursor = o + 1;
        }
    }

    /** Checks a ready message out; true if it had been delivered before (it came back). */
    boolean take(long off, int bodySize) {
        checkedOut.put(off, bodySize);
        checkedOutBytes += bodySize;
        if (returned.remove(off) || returnedLevelled.remove(off)) return true;
        if (off >= cursor && !(plainLevel >= 0 && store.hasLevel(off))) cursor = off + 1;
        return false;
    }

    /** The message left the queue (settled) or is gone from it. */
    void forget(long off) {
        Integer b = checkedOut.remove(off);
        if (b != null) checkedOutBytes -= b;
        returned.remove(off);
        returnedLevelled.remove(off);
    }

    /** A checked-out message is ready again (returned to the queue). */
    void giveBack(long off) {
        Integer b = checkedOut.remove(off);
        if (b != null) checkedOutBytes -= b;
        if (plainLevel >= 0 && store.hasLevel(off)) returnedLevelled.add(off);
        else returned.add(off);
    }

    /** A checked-out message returned to the queue is ready again at {@code readyAt} (ms), not before. */
    void delay(long off, long readyAt) { delayed.computeIfAbsent(readyAt, k -> new ArrayList<>()).add(off); }

    /** When the next delayed message is ready, or {@link Long#MAX_VALUE}. */
    long nextDelayed() { return delayed.isEmpty() ? Long.MAX_VALUE : delayed.firstKey(); }

    /** Makes the delayed messages due by {@code now} ready; true if there were any. */
    boolean releaseDue(long now) {
        boolean any = false;
        while (!delayed.isEmpty() && delayed.firstKey() <= now) {
            for (long off : delayed.pollFirstEntry().getValue()) {
                if (!checkedOut.containsKey(off)) continue;
                if (store.isPresent(off)) giveBack(off); else forget(off);
                any = true;
            }
        }
        return any;
    }

    /** Everything present is ready again. */
    void reset() {
        delayed.clear();
        checkedOut.clear();
        checkedOutBytes = 0;
        returned.clear();
        returnedLevelled.clear();
        cursor = 0;
    }

    /** Nothing before {@code upTo} is ready any more (a purge). */
    void purged(long upTo) {
        returned.headSet(upTo).clear();
        returnedLevelled.removeIf(o -> o < upTo);
        if (cursor < upTo) cursor = upTo;
    }
}
