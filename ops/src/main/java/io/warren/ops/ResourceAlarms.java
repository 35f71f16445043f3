package io.warren.ops;

import io.warren.metadata.port.BrokerPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The memory and disk alarms, as RabbitMQ has them: memory when the heap in use passes a fraction of the
 * maximum heap (vm_memory_high_watermark, default 0.4), disk when free space on the data directory's file
 * system falls below disk_free_limit (default 50 MB). Checked every second, and at once after a garbage collection
 * that leaves the heap above the watermark: a fast publisher fills a small heap in less than a second.
 */
public final class ResourceAlarms implements BrokerPort.Alarms, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceAlarms.class);

    private final Path dataDir;
    private volatile double memoryHighWatermark;
    private volatile long diskFreeLimit;
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Set<String> active = Set.of();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-alarms");
        t.setDaemon(true);
        return t;
    });

    public ResourceAlarms(Path dataDir, double memoryHighWatermark, long diskFreeLimit) {
        this.dataDir = dataDir;
        this.memoryHighWatermark = memoryHighWatermark;
        this.diskFreeLimit = diskFreeLimit;
    }

    public void start() {
        check();
        timer.scheduleWithFixedDelay(this::checkQuietly, 1, 1, TimeUnit.SECONDS);
        watchCollections();
    }

    /** A failed check (even an OutOfMemoryError) must not end the schedule: the next one may succeed. */
    private void checkQuietly() {
        try {
            check();
        } catch (Throwable t) {
            LOG.warn("resource alarm check failed: {}", t.toString());
        }
    }

    private final java.util.List<Runnable> unwatch = new java.util.ArrayList<>();

    /**
     * After each collection: when what survived is close to the whole heap, the memory alarm goes up at once (there is
     * no time to confirm it); when it is above the watermark and the alarm is not up yet, a check runs now.
     */
    private void watchCollections() {
        Set<String> heapPools = heapPools();
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof javax.management.NotificationEmitter emitter)) continue;
            javax.management.NotificationListener listener = (n, handback) -> {
                if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                        (javax.management.openmbean.CompositeData) n.getUserData()).getGcInfo();
                long used = usedAfter(info, heapPools);
                if (active.contains("memory") || used <= memoryLimitBytes() || timer.isShutdown()) return;
                if (used > dangerBytes()) set(true, active.contains("disk"));
                else timer.execute(this::checkQuietly);
            };
            emitter.addNotificationListener(listener, null, null);
            unwatch.add(() -> {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) { }
            });
        }
    }

    /** The directory whose file system the disk alarm watches. */
    public Path dataDir() { return dataDir; }

    /** The heap use at which the memory alarm goes up, bytes. */
    public long memoryLimitBytes() { return (long) (memoryHighWatermark * Runtime.getRuntime().maxMemory()); }

    public long diskFreeLimitBytes() { return diskFreeLimit; }

    /** Free space where the data directory is, bytes (-1 when it cannot be read). */
    public long diskFreeBytes() {
        try {
            return java.nio.file.Files.getFileStore(dataDir).getUsableSpace();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The watermark as a fraction of the maximum heap. */
    public double memoryHighWatermark() { return memoryHighWatermark; }

    /** Changes the disk limit at run time (as {@code rabbitmqctl set_disk_free_limit}) and re-checks. */
    public void setDiskFreeLimit(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("a disk free limit cannot be negative");
        diskFreeLimit = bytes;
        check();
    }

    /** Changes the memory watermark at run time (as {@code rabbitmqctl set_vm_memory_high_watermark}) and re-checks. */
    public void setMemoryHighWatermark(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("a memory high watermark is a fraction from 0 to 1");
        memoryHighWatermark = fraction;
        check();
    }

    /** Measures both resources (the memory check may run a collection first: not under the lock) and sets the alarms. */
    void check() {
        boolean memory = memoryHigh();
        boolean disk = active.contains("disk");
        try {
            disk = Files.getFileStore(dataDir).getUsableSpace() < diskFreeLimit;
        } catch (IOException e) {
            LOG.warn("cannot read free disk space of {}: {}", dataDir, e.toString());
        }
        set(memory, disk);
    }

    private synchronized void set(boolean memory, boolean disk) {
        Set<String> now = new TreeSet<>();
        if (memory) now.add("memory");
        if (disk) now.add("disk");
        if (!now.equals(active)) {
            LOG.warn("resource alarms now {} (were {})", now.isEmpty() ? "clear" : now, active.isEmpty() ? "clear" : active);
            active = Set.copyOf(now);
            for (Runnable l : listeners) l.run();
        }
    }

    private volatile long lastFullCollection;

    /** Half way from the watermark to the whole heap: above it, the alarm does not wait for a confirming collection. */
    private double dangerBytes() {
        double max = Runtime.getRuntime().maxMemory();
        return (memoryHighWatermark * max + max) / 2;
    }

    /**
     * The heap after the last collection is above the watermark. A young collection leaves the garbage that
     * was promoted earlier in the old generation until a concurrent cycle or a full collection reaches it
     * (with G1 that can sit above a 0.4 watermark for minutes): so before raising the alarm, and at most every
     * 5 s while it is up, a collection of the whole heap tells what really survives ({@code ./warren} runs the
     * JVM with {@code -XX:+ExplicitGCInvokesConcurrent}, which makes that a concurrent cycle, not a pause). Above
     * {@link #dangerBytes} there is no time for that: a publisher that fills the rest of a small heap between two
     * checks would run the node out of memory before the alarm stops it ({@code MemoryAlarmTest}, 256 MB heap).
     */
    private boolean memoryHigh() {
        double limit = memoryHighWatermark * Runtime.getRuntime().maxMemory();
        long live = heapLiveBytes();
        if (live <= limit) return false;
        if (live > dangerBytes()) return true;
        long now = System.nanoTime();
        if (now - lastFullCollection > TimeUnit.SECONDS.toNanos(5)) {
            lastFullCollection = now;
            System.gc();
            return heapLiveBytes() > limit;
        }
        return active.contains("memory");
    }

    /**
     * Heap in use after the most recent collection: what survives, not the garbage a collector has not
     * reached yet (heap in use at a random moment makes the alarm flap).
     */
    static long heapLiveBytes() {
        com.sun.management.GcInfo latest = null;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean g) {
                com.sun.management.GcInfo info = g.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) latest = info;
            }
        }
        if (latest == null) {
            Runtime rt = Runtime.getRuntime();
            return rt.totalMemory() - rt.freeMemory();
        }
        return usedAfter(latest, heapPools());
    }

    private static Set<String> heapPools() {
        Set<String> heapPools = new java.util.HashSet<>();
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP) heapPools.add(p.getName());
        }
        return heapPools;
    }

    private static long usedAfter(com.sun.management.GcInfo info, Set<String> heapPools) {
        long used = 0;
        for (var e : info.getMemoryUsageAfterGc().entrySet()) if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
        return used;
    }

    @Override public Set<String> active() { return active; }

    @Override public void addListener(Runnable onChange) { listeners.add(onChange); }

    @Override public void removeListener(Runnable onChange) { listeners.remove(onChange); }

    @Override public void close() {
        unwatch.forEach(Runnable::run);
        timer.shutdownNow();
    }
}
