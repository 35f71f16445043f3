package io.warren.it.faults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full matrix, workload × fault, each cell a fresh cluster in network namespaces: {@code mvn -B test -Pfaults}
 * (about 40 minutes; needs root). {@code -Dfaults.only=queue:kill-leader,metadata} runs some cells,
 * {@code -Dfaults.seconds=60} sets the fault phase, {@code -Dfaults.seed=N} replays a schedule,
 * {@code -Dfaults.report=../docs/faults.md} writes the table into the report.
 */
@Tag("faults")
class FaultMatrixTest {
    private static final FaultReport REPORT = new FaultReport();

    record Cell(String workload, Fault fault, int nodes) {
        String key() { return workload + ":" + fault.label + (nodes != 3 ? ":" + nodes : ""); }
    }

    static List<Cell> cells() {
        List<Cell> c = new ArrayList<>();
        for (Fault f : Fault.values()) c.add(new Cell("queue", f, 3));
        c.add(new Cell("queue", Fault.PARTITION_RING, 5));
        c.add(new Cell("queue", Fault.ISOLATE_QUEUE_LEADER, 5));
        for (Fault f : List.of(Fault.KILL_RANDOM, Fault.KILL_LEADER, Fault.PAUSE)) c.add(new Cell("queue-haproxy", f, 3));
        for (Fault f : List.of(Fault.PARTITION_HALVES, Fault.ISOLATE_QUEUE_LEADER, Fault.KILL_LEADER, Fault.KILL_RANDOM)) c.add(new Cell("deadletter", f, 3));
        for (Fault f : List.of(Fault.PARTITION_HALVES, Fault.PARTITION_RING, Fault.ISOLATE_METADATA_LEADER, Fault.ONE_WAY,
                Fault.KILL_RANDOM, Fault.PAUSE, Fault.FLAPPING)) c.add(new Cell("metadata", f, 3));
        c.add(new Cell("metadata", Fault.PARTITION_RING, 5));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> matrix() {
        String only = System.getProperty("faults.only", "");
        List<String> wanted = only.isBlank() ? List.of() : Arrays.asList(only.split(","));
        long seconds = Long.getLong("faults.seconds", 60);
        return cells().stream()
                .filter(c -> wanted.isEmpty() || wanted.stream().anyMatch(w -> c.key().equals(w) || c.key().startsWith(w + ":") || c.workload().equals(w)))
                .map(c -> DynamicTest.dynamicTest(c.key(), () -> {
                    long seed = FaultRun.seedFrom("faults.seed", System.nanoTime() % 1_000_000);
                    FaultRun.Spec spec = new FaultRun.Spec(c.workload(), List.of(c.fault()), c.nodes(), seed, seconds * 1000);
                    FaultRun.Outcome o = c.workload().equals("metadata") ? FaultRun.metadata(spec) : FaultRun.queues(spec, c.workload().equals("queue-haproxy"));
                    REPORT.add(o);
                    REPORT.write();
                    assertTrue(o.faultsApplied() > 0, "the nemesis applied no fault");
                    assertTrue(o.ok(), c.key() + " seed " + seed + ": " + o.detail());
                }));
    }

    @AfterAll
    static void report() throws Exception {
        REPORT.write();
        System.out.println(REPORT.markdown());
    }
}
