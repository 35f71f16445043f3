package io.warren.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The memory alarm follows what the heap really holds: garbage promoted to the old generation that only a
 * young collection has run over since must not block publishers (seen in the benchmark: a node with 20 MB
 * live kept the alarm up for minutes), while a live set above the watermark still raises it.
 */
class ResourceAlarmsTest {
    private static final int MB = 1 << 20;
    private static volatile Object sink;

    /** Enough short-lived allocation for at least one young collection. */
    private static void youngCollections() {
        long before = youngCount();
        for (int i = 0; i < 100_000 && youngCount() == before; i++) sink = new byte[64 * 1024];
        assertTrue(youngCount() > before, "a young collection ran");
    }

    private static long youngCount() {
        long n = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!gc.getName().contains("Old") && !gc.getName().contains("MarkSweep")) n += gc.getCollectionCount();
        }
        return n;
    }

    @Test
    void promotedGarbageRaisesNoAlarmButALiveSetAboveTheWatermarkDoes(@TempDir Path dir) {
        System.gc();
        long max = Runtime.getRuntime().maxMemory();
        long base = ResourceAlarms.heapLiveBytes();
        double watermark = (base + 150.0 * MB) / max; // the limit: 150 MB above what lives now
        ResourceAlarms alarms = new ResourceAlarms(dir, watermark, 0);

        List<byte[]> held = new ArrayList<>();
        for (int i = 0; i < 300; i++) held.add(new byte[MB]);
        System.gc(); // now in the old generation
        held.clear(); // garbage, but only a concurrent cycle or a full collection will find that out
        youngCollections();
        assertTrue(ResourceAlarms.heapLiveBytes() > watermark * max, "the heap after the last (young) collection looks high");
        alarms.check();
        assertFalse(alarms.active().contains("memory"), "no memory alarm for garbage");

        for (int i = 0; i < 300; i++) held.add(new byte[MB]);
        try { Thread.sleep(5_100); } catch (InterruptedException e) { throw new AssertionError(e); }
        youngCollections();
        alarms.check();
        assertTrue(alarms.active().contains("memory"), "a live set above the watermark raises the alarm");
        assertEquals(300, held.size());
    }
}
