package io.warren.it.faults;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault suite's short subset, in the default test run: nodes in network namespaces, the queue workload on five
 * under a majorities ring, isolation and kill -9 of a queue's leader, the dead-letter workload and the metadata
 * workload on three. Needs root (fails, not skips, without it). The full matrix:
 * {@code mvn -B test -Pfaults}.
 */
class FaultSmokeTest {
    @Test
    void queuesKeepEveryConfirmedMessageUnderPartitionsAndKills() throws Exception {
        long seed = FaultRun.seedFrom("faults.seed", System.nanoTime() % 100_000);
        // five nodes: the majorities ring is what found the ghost-consumer loss (two runs in three before the fix)
        FaultRun.Outcome o = FaultRun.queues(new FaultRun.Spec("queue", List.of(Fault.PARTITION_RING, Fault.KILL_LEADER, Fault.ISOLATE_QUEUE_LEADER),
                5, seed, 40_000), false);
        assertTrue(o.faultsApplied() > 0, "the nemesis applied no fault");
        assertTrue(o.ok(), "seed " + seed + ": " + o.detail());
        assertTrue(o.confirmed() > 1_000, "too little got through to mean anything: " + o.detail());
    }

    @Test
    void deadLetteredMessagesSurvivePartitionsAndKills() throws Exception {
        long seed = FaultRun.seedFrom("faults.seed", System.nanoTime() % 100_000);
        FaultRun.Outcome o = FaultRun.queues(new FaultRun.Spec("deadletter", List.of(Fault.KILL_LEADER, Fault.PARTITION_HALVES),
                3, seed, 30_000), false);
        assertTrue(o.faultsApplied() > 0, "the nemesis applied no fault");
        assertTrue(o.ok(), "seed " + seed + ": " + o.detail());
        assertTrue(o.deadLettered() > 500, "too little was dead-lettered to mean anything: " + o.detail());
    }

    @Test
    void everyNodeAgreesOnTheMetadataAfterPartitions() throws Exception {
        long seed = FaultRun.seedFrom("faults.seed", System.nanoTime() % 100_000);
        FaultRun.Outcome o = FaultRun.metadata(new FaultRun.Spec("metadata", List.of(Fault.ISOLATE_METADATA_LEADER, Fault.PARTITION_RING),
                3, seed, 30_000));
        assertTrue(o.faultsApplied() > 0, "the nemesis applied no fault");
        assertTrue(o.ok(), "seed " + seed + ": " + o.detail());
        assertTrue(o.confirmed() > 100, "too few operations went through to mean anything: " + o.detail());
    }
}
