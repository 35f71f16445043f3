package io.warren.metadata.queue;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * When each message of a queue expires, kept compactly: offsets are added in increasing order, and consecutive offsets
 * with the same expiry time (one log entry's messages under one queue TTL) share one run. Runs wholly below the queue's
 * head are dropped as the head moves. Not thread-safe: the owner's lock guards it.
 */
public final class ExpiryRuns {
    /** first offset of a run → {last offset (inclusive), expiry time in ms}. */
    private final TreeMap<Long, long[]> runs = new TreeMap<>();

    /** Records that {@code offset} (above every offset added before) expires at {@code expiresAt}. */
    public void add(long offset, long expiresAt) {
        Map.Entry<Long, long[]> last = runs.lastEntry();
        if (last != null && last.getValue()[0] == offset - 1 && last.getValue()[1] == expiresAt) {
            last.getValue()[0] = offset;
        } else {
            runs.put(offset, new long[]{offset, expiresAt});
        }
    }

    /** When {@code offset} expires, or -1 if it has no expiry. */
    public long expiresAt(long offset) {
        if (runs.isEmpty()) return -1;
        Map.Entry<Long, long[]> e = runs.floorEntry(offset);
        return e != null && offset <= e.getValue()[0] ? e.getValue()[1] : -1;
    }

    public boolean isEmpty() { return runs.isEmpty(); }

    /** Forgets runs that end below {@code head} (nothing there is present any more). */
    public void dropBelow(long head) {
        Iterator<long[]> it = runs.values().iterator();
        while (it.hasNext()) {
            long[] r = it.next();
            if (r[0] >= head) break;
            it.remove();
        }
    }

    public void clear() { runs.clear(); }

    public int runs() { return runs.size(); }
}
