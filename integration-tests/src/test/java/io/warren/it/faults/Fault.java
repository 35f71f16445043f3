package io.warren.it.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The nemeses: each applies one fault to a running cluster and says what it did; {@link FaultCluster#healAll()} undoes
 * any of them. Choices come from the schedule's seeded {@link Random}; faults aimed at a leader take whichever node leads
 * at that moment.
 */
enum Fault {
    PARTITION_HALVES("partition-halves") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            List<Integer> all = shuffled(c, rnd);
            List<Integer> a = all.subList(0, all.size() / 2), b = all.subList(all.size() / 2, all.size());
            c.net.partition(a, b);
            return "partition " + a + " | " + b;
        }
    },
    PARTITION_RING("partition-ring") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            List<Integer> ring = shuffled(c, rnd);
            int n = ring.size();
            if (n == 3) { // no majorities ring on 3 nodes: a bridge (the middle node sees both, the ends not each other)
                c.net.partition(List.of(ring.get(0)), List.of(ring.get(2)));
                return "bridge " + ring.get(0) + " - " + ring.get(1) + " - " + ring.get(2);
            }
            int reach = (n / 2 + 1) / 2; // each node sees itself and its nearest neighbours: a majority, different for each
            List<String> cuts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    int d = Math.min(j - i, n - (j - i));
                    if (d > reach) {
                        c.net.partition(List.of(ring.get(i)), List.of(ring.get(j)));
                        cuts.add(ring.get(i) + "x" + ring.get(j));
                    }
                }
            }
            return "majorities ring " + ring + " cut " + cuts;
        }
    },
    ISOLATE_QUEUE_LEADER("isolate-queue-leader") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            String q = queues.get(rnd.nextInt(queues.size()));
            FaultNode leader = c.queueLeader(q);
            FaultNode x = leaderOrRandom(c, rnd, leader);
            c.net.partition(List.of(x.index), others(c, x.index));
            return "isolate n" + x.index + (leader != null ? " (leader of " + q + ")" : " (no leader known for " + q + ")");
        }
    },
    ISOLATE_METADATA_LEADER("isolate-metadata-leader") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            FaultNode leader = c.metadataLeader();
            FaultNode x = leaderOrRandom(c, rnd, leader);
            c.net.partition(List.of(x.index), others(c, x.index));
            return "isolate n" + x.index + (leader != null ? " (metadata leader)" : " (no metadata leader known)");
        }
    },
    ONE_WAY("one-way") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            int x = 1 + rnd.nextInt(c.nodes.size());
            boolean deaf = rnd.nextBoolean();
            for (int o : others(c, x)) { if (deaf) c.net.drop(o, x); else c.net.drop(x, o); }
            return deaf ? "n" + x + " hears no one (its packets still go out)" : "no one hears n" + x + " (it still hears them)";
        }
    },
    KILL_RANDOM("kill-random") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            FaultNode f = c.node(1 + rnd.nextInt(c.nodes.size()));
            f.kill9();
            return "kill -9 n" + f.index;
        }
    },
    KILL_LEADER("kill-leader") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            String q = queues.get(rnd.nextInt(queues.size()));
            FaultNode f = leaderOrRandom(c, rnd, c.queueLeader(q));
            f.kill9();
            return "kill -9 n" + f.index + " (leader of " + q + ")";
        }
    },
    PAUSE("pause") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            FaultNode f = null;
            String why = "";
            if (rnd.nextBoolean()) { // a leader: of a workload queue, or of the metadata when the workload has no queues
                if (queues.isEmpty()) { f = c.metadataLeader(); why = " (metadata leader)"; }
                else { String q = queues.get(rnd.nextInt(queues.size())); f = c.queueLeader(q); why = " (leader of " + q + ")"; }
            }
            if (f == null) why = "";
            f = leaderOrRandom(c, rnd, f);
            f.pause();
            return "SIGSTOP n" + f.index + why;
        }
    },
    FLAPPING("flapping") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            long end = System.currentTimeMillis() + holdMs;
            int flips = 0;
            while (System.currentTimeMillis() < end) {
                c.net.heal();
                List<Integer> all = shuffled(c, rnd);
                int cut = 1 + rnd.nextInt(all.size() - 1);
                c.net.partition(all.subList(0, cut), all.subList(cut, all.size()));
                flips++;
                Thread.sleep(300 + rnd.nextInt(1200));
            }
            return "flapping partitions (" + flips + " changes)";
        }
    },
    LOSSY_SLOW("lossy-slow") {
        @Override String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception {
            double p = 0.05 + rnd.nextInt(16) / 100.0;
            c.net.lossy(p);
            String shaping = c.net.slow(20 + rnd.nextInt(60), 2_000 + rnd.nextInt(6_000));
            return String.format("%.0f%% loss between nodes + %s", p * 100, shaping);
        }
    };

    final String label;

    Fault(String label) { this.label = label; }

    /** Applies the fault (FLAPPING keeps changing it for {@code holdMs}) and describes it. */
    abstract String apply(FaultCluster c, Random rnd, List<String> queues, long holdMs) throws Exception;

    static Fault byLabel(String label) {
        for (Fault f : values()) if (f.label.equals(label)) return f;
        throw new IllegalArgumentException("unknown fault '" + label + "'");
    }

    /** The leader found, or (none known) a node chosen by the schedule. */
    private static FaultNode leaderOrRandom(FaultCluster c, Random rnd, FaultNode leader) {
        return leader != null ? leader : c.node(1 + rnd.nextInt(c.nodes.size()));
    }

    private static List<Integer> shuffled(FaultCluster c, Random rnd) {
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= c.nodes.size(); i++) all.add(i);
        Collections.shuffle(all, rnd);
        return all;
    }

    private static List<Integer> others(FaultCluster c, int x) {
        List<Integer> o = new ArrayList<>();
        for (int i = 1; i <= c.nodes.size(); i++) if (i != x) o.add(i);
        return o;
    }
}
