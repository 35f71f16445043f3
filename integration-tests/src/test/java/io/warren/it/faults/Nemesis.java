package io.warren.it.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Drives a fault schedule from a seed: quiet 2–4 s, one fault from {@code faults} held 4–8 s, heal, again, for the
 * run's duration. The same seed gives the same schedule (which fault, which nodes, how long); the events are printed.
 */
final class Nemesis implements Runnable {
    private final FaultCluster cluster;
    private final List<Fault> faults;
    private final long seed;
    private final long durationMs;
    private final List<String> queues;
    private final long t0 = System.currentTimeMillis();
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    volatile Throwable failure;
    volatile int applied;

    Nemesis(FaultCluster cluster, List<Fault> faults, long seed, long durationMs, List<String> queues) {
        this.cluster = cluster;
        this.faults = faults;
        this.seed = seed;
        this.durationMs = durationMs;
        this.queues = queues;
    }

    void log(String what) {
        String line = String.format("[%7.1f s] %s", (System.currentTimeMillis() - t0) / 1000.0, what);
        events.add(line);
        System.out.println("nemesis " + line);
    }

    @Override public void run() {
        Random rnd = new Random(seed);
        long end = t0 + durationMs;
        try {
            while (true) {
                Thread.sleep(2_000 + rnd.nextInt(2_000));
                if (System.currentTimeMillis() >= end) break;
                Fault f = faults.get(rnd.nextInt(faults.size()));
                long hold = 4_000 + rnd.nextInt(4_000);
                log(f.label + ": " + f.apply(cluster, rnd, queues, hold));
                applied++;
                if (f != Fault.FLAPPING) Thread.sleep(hold);
                cluster.healAll();
                log("heal");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            log("nemesis failed: " + t);
        } finally {
            try {
                cluster.healAll();
            } catch (Exception e) {
                if (failure == null) failure = e;
            }
        }
    }
}
