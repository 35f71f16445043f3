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
 * system falls below disk_free_limit (default 50 MB). Checked every second.
 */
public final class ResourceAlarms implements BrokerPort.Alarms, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceAlarms.class);

    private final Path dataDir;
    private final double memoryHighWatermark;
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
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    /** Changes the disk limit at run time (as {@code rabbitmqctl set_disk_free_limit}) and re-checks. */
    public void setDiskFreeLimit(long bytes) {
        diskFreeLimit = bytes;
        check();
    }

    synchronized void check() {
        Set<String> now = new TreeSet<>();
        if (memoryHigh()) now.add("memory");
        try {
            if (Files.getFileStore(dataDir).getUsableSpace() < diskFreeLimit) now.add("disk");
        } catch (IOException e) {
            LOG.warn("cannot read free disk space of {}: {}", dataDir, e.toString());
        }
        if (!now.equals(active)) {
            LOG.warn("resource alarms now {} (were {})", now.isEmpty() ? "clear" : now, active.isEmpty() ? "clear" : active);
            active = Set.copyOf(now);
            for (Runnable l : listeners) l.run();
        }
    }

    private long lastFullCollection;

    /**
     * The heap after the last collection is above the watermark. A young collection leaves the garbage that
     * was promoted earlier in the old generation until a concurrent cycle or a full collection reaches it
     * (with G1 that can sit above a 0.4 watermark for minutes): so before raising the alarm, and at most every
     * 5 s while it is up, a collection of the whole heap tells what really survives ({@code ./warren} runs the
     * JVM with {@code -XX:+ExplicitGCInvokesConcurrent}, which makes that a concurrent cycle, not a pause).
     */
    private boolean memoryHigh() {
        double limit = memoryHighWatermark * Runtime.getRuntime().maxMemory();
        if (heapLiveBytes() <= limit) return false;
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
        Set<String> heapPools = new java.util.HashSet<>();
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP) heapPools.add(p.getName());
        }
        long used = 0;
        for (var e : latest.getMemoryUsageAfterGc().entrySet()) if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
        return used;
    }

    @Override public Set<String> active() { return active; }

    @Override public void addListener(Runnable onChange) { listeners.add(onChange); }

    @Override public void removeListener(Runnable onChange) { listeners.remove(onChange); }

    @Override public void close() { timer.shutdownNow(); }
}
