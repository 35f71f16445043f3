package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.metadata.model.QueueRecord;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.*;

/**
 * A node that was down while the others purged their logs catches up from a snapshot of each group (the
 * metadata group and the queue group), then serves the queue when it leads it.
 */
class CatchUpTest {
    private static long segmentsOf(TestNode t) throws Exception {
        return TestNode.liveFileSizes(t.dataDir.resolve("raft"), "log_").size();
    }

    @Test
    void nodeDownDuringLogPurgeCatchesUpFromSnapshots() throws Exception {
        try (TestCluster cluster = new TestCluster(3)) {
            for (TestNode t : cluster.nodes) t.config.snapshotThreshold = 100;
            cluster.start();
            try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("cu-q", true, false, false, null);
            }
            TestNode third = cluster.node(2);
            third.stop();
            int n = 1500;
            try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
                ch.confirmSelect();
                for (int i = 0; i < n; i++) { // one message per log entry: enough entries for snapshots and purges
                    ch.basicPublish("", "cu-q", null, new byte[8192]); // 12 MB: more than a log segment, so some are purged
                    ch.waitForConfirmsOrDie(30_000);
                    if (i % 5 == 0) ch.exchangeDeclare("cu-x-" + i, "fanout", true); // the metadata log moves on too
                }
            }
            third.start();
            QueueRecord q = third.node().broker().state().vhost("/").queue("cu-q");
            long deadline = System.currentTimeMillis() + 60_000;
            while (third.node().broker().replicaMessageCount(q) != n && System.currentTimeMillis() < deadline) Thread.sleep(100);
            for (TestNode t : cluster.nodes) {
                if (t.node() != null) System.out.println("replica of " + t.config.nodeName + ": " + t.node().broker().replicaMessageCount(q)
                        + " messages at index " + t.node().broker().replicaAppliedIndex(q));
            }
            assertEquals(n, third.node().broker().replicaMessageCount(q), "the returning node's replica has every message");
            assertNotNull(third.node().broker().state().vhost("/").exchange("cu-x-1495"), "and the metadata it missed");
            // its replica serves: make it the only member that is up besides one other, then read through it
            cluster.node(0).stop();
            try (Connection c = third.connect()) {
                long d2 = System.currentTimeMillis() + 30_000;
                int count = -1;
                while (System.currentTimeMillis() < d2) {
                    Channel ch = c.createChannel(); // a failed attempt closes its channel
                    try {
                        count = ch.queueDeclarePassive("cu-q").getMessageCount();
                        if (count == n) break;
                    } catch (Exception e) {
                        System.out.println("not yet: " + e.getCause());
                    }
                    Thread.sleep(200);
                }
                assertEquals(n, count);
            }
        }
    }
}
