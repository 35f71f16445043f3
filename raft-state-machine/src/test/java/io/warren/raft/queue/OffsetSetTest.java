package io.warren.raft.queue;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class OffsetSetTest {
    @Test
    void behavesLikeASortedSetUnderQueueLikeLoad() {
        long seed = Long.getLong("seed", 7L);
        Random r = new Random(seed);
        OffsetSet s = new OffsetSet();
        TreeSet<Long> ref = new TreeSet<>();
        long next = 0;
        for (int i = 0; i < 300_000; i++) {
            int op = r.nextInt(10);
            if (op < 5) { s.add(next); ref.add(next); next++; }
            else if (op < 8 && !ref.isEmpty()) { long o = ref.first(); assertEquals(ref.remove(o), s.remove(o)); }
            else {
                long o = Math.max(0, next - r.nextInt(1000));
                assertEquals(ref.remove(o), s.remove(o), "seed " + seed);
            }
            if (i % 1000 == 0) {
                long from = Math.max(0, next - r.nextInt(5000));
                Long expected = ref.ceiling(from);
                assertEquals(expected == null ? -1 : expected, s.firstFrom(from), "seed " + seed);
                assertEquals(ref.size(), s.count());
            }
        }
        assertEquals(ref.size(), s.count());
    }
}
