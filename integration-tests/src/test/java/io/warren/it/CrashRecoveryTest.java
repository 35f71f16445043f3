package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Durability with real processes: confirmed messages, queues, exchanges and bindings survive kill -9 and
 * SIGTERM restarts; nothing confirmed is lost, nothing unexpected appears.
 */
class CrashRecoveryTest {
    private static byte[] body(int queue, int i) { return ByteBuffer.allocate(1024).putInt(queue).putInt(i).array(); }

    /** Publishes n persistent messages to each queue with confirms; returns once all are confirmed. */
    private static void publishConfirmed(NodeProcess node, int n, String... queues) throws Exception {
        try (Connection c = node.factory().newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("crash-x", "topic", true);
            for (int q = 0; q < queues.length; q++) {
                ch.queueDeclare(queues[q], true, false, false, null);
                ch.queueBind(queues[q], "crash-x", "to." + queues[q]);
            }
            ch.confirmSelect();
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < queues.length; q++) {
                    ch.basicPublish("crash-x", "to." + queues[q], MessageProperties.PERSISTENT_BASIC, body(q, i));
                }
                if (i % 500 == 499) ch.waitForConfirmsOrDie(60_000);
            }
            ch.waitForConfirmsOrDie(60_000);
        }
    }

    /** Drains a queue with basic.get; asserts exactly 0..n-1 in order. */
    private static void assertExactly(Channel ch, String queue, int q, int n) throws Exception {
        Set<Integer> seen = new HashSet<>();
        int expected = 0;
        for (GetResponse r; (r = ch.basicGet(queue, true)) != null; ) {
            ByteBuffer b = ByteBuffer.wrap(r.getBody());
            assertEquals(q, b.getInt(), "a message of another queue in " + queue);
            int i = b.getInt();
            assertTrue(seen.add(i), "duplicate " + i + " in " + queue);
            assertEquals(expected++, i, "FIFO order in " + queue);
        }
        assertEquals(n, seen.size(), "confirmed messages in " + queue + " after the crash");
    }

    @Test
    void confirmedMessagesSurviveKill9() throws Exception {
        int n = 3000;
        try (NodeProcess node = new NodeProcess()) {
            node.start();
            publishConfirmed(node, n, "crash-a", "crash-b");
            node.kill9();
            node.start();
            try (Connection c = node.factory().newConnection(); Channel ch = c.createChannel()) {
                assertEquals(n, ch.queueDeclarePassive("crash-a").getMessageCount());
                assertExactly(ch, "crash-a", 0, n);
                assertExactly(ch, "crash-b", 1, n);
                // the exchange and bindings came back too
                ch.confirmSelect();
                ch.basicPublish("crash-x", "to.crash-a", null, body(0, 0));
                ch.waitForConfirmsOrDie(10_000);
                assertNotNull(ch.basicGet("crash-a", true));
            }
        }
    }

    @Test
    void killDuringPublishingLosesNothingConfirmed() throws Exception {
        try (NodeProcess node = new NodeProcess()) {
            node.start();
            ConfirmTracker confirms = new ConfirmTracker();
            Set<Integer> confirmed = confirms.confirmed;
            Connection c = node.factory().newConnection();
            Channel ch = c.createChannel();
            ch.queueDeclare("crash-inflight", true, false, false, null);
            ch.confirmSelect();
            ch.addConfirmListener(confirms);
            Thread killer = new Thread(() -> {
                try {
                    while (confirmed.size() < 2000) Thread.sleep(5);
                    node.kill9();
                } catch (InterruptedException ignored) { }
            });
            killer.start();
            try {
                for (int i = 0; i < 1_000_000; i++) {
                    confirms.sent(ch.getNextPublishSeqNo(), i);
                    ch.basicPublish("", "crash-inflight", MessageProperties.PERSISTENT_BASIC, body(0, i));
                }
                fail("the node was killed: publishing must have failed");
            } catch (Exception expected) {
                // connection lost
            }
            killer.join();
            int confirmedCount = confirmed.size();
            assertTrue(confirmedCount >= 2000);
            node.start();
            try (Connection c2 = node.factory().newConnection(); Channel ch2 = c2.createChannel()) {
                Set<Integer> got = new HashSet<>();
                for (GetResponse r; (r = ch2.basicGet("crash-inflight", true)) != null; ) {
                    ByteBuffer b = ByteBuffer.wrap(r.getBody());
                    b.getInt();
                    assertTrue(got.add(b.getInt()), "duplicate");
                }
                Set<Integer> lost = new HashSet<>(confirmed);
                lost.removeAll(got);
                assertEquals(Set.of(), lost, "confirmed but lost");
                assertTrue(got.stream().allMatch(i -> i >= 0 && i < 1_000_000), "unexpected messages");
            }
        }
    }

    /**
     * A durable classic queue lives on its node (a one-member Raft group there): every confirmed message, its binding
     * and its arguments survive kill -9 of that node. Before, it was kept in memory and came back empty. A transient
     * classic queue beside it is gone, as in RabbitMQ.
     */
    @Test
    void durableClassicQueueKeepsConfirmedMessagesAcrossKill9() throws Exception {
        int n = 2000;
        java.util.Map<String, Object> args = java.util.Map.of("x-queue-type", "classic", "x-single-active-consumer", true);
        try (NodeProcess node = new NodeProcess()) {
            node.start();
            try (Connection c = node.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.exchangeDeclare("dc-x", "direct", true);
                ch.queueDeclare("dc-q", true, false, false, args);
                ch.queueBind("dc-q", "dc-x", "to.dc");
                ch.queueDeclare("dc-transient", false, false, false, java.util.Map.of("x-queue-type", "classic"));
                ch.confirmSelect();
                for (int i = 0; i < n; i++) ch.basicPublish("dc-x", "to.dc", MessageProperties.PERSISTENT_BASIC, body(0, i));
                ch.basicPublish("", "dc-transient", null, body(1, 0));
                ch.waitForConfirmsOrDie(60_000);
            }
            node.kill9();
            node.start();
            try (Connection c = node.factory().newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclare("dc-q", true, false, false, args); // the same arguments: equivalent
                assertEquals(n, ch.queueDeclarePassive("dc-q").getMessageCount());
                assertExactly(ch, "dc-q", 0, n);
                ch.confirmSelect();
                ch.basicPublish("dc-x", "to.dc", null, body(0, 0)); // the binding came back
                ch.waitForConfirmsOrDie(10_000);
                assertNotNull(ch.basicGet("dc-q", true));
                String text = Errors.channelError(406, () -> ch.queueDeclare("dc-q", true, false, false, java.util.Map.of("x-queue-type", "quorum")));
                assertTrue(text.contains("current is the value 'classic'"), text);
                Channel ch2 = c.createChannel();
                Errors.channelError(404, () -> ch2.queueDeclarePassive("dc-transient"));
            }
        }
    }

    @Test
    void cleanRestartKeepsEverythingDurableAndDropsTransient() throws Exception {
        try (NodeProcess node = new NodeProcess()) {
            node.start();
            try (Connection c = node.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.exchangeDeclare("keep-x", "fanout", true);
                ch.exchangeDeclare("drop-x", "fanout", false);
                ch.queueDeclare("keep-q", true, false, false, null);
                ch.queueDeclare("drop-q", false, false, false, null);
                ch.queueBind("keep-q", "keep-x", "");
                ch.confirmSelect();
                ch.basicPublish("keep-x", "", MessageProperties.PERSISTENT_TEXT_PLAIN, "kept".getBytes());
                ch.waitForConfirmsOrDie(10_000);
                GetResponse unacked = ch.basicGet("keep-q", false);
                assertNotNull(unacked); // delivered, never acked: must come back redelivered
            }
            assertEquals(0, node.terminate(), "SIGTERM is a clean exit");
            node.start();
            try (Connection c = node.factory().newConnection()) {
                Channel ch = c.createChannel();
                ch.exchangeDeclarePassive("keep-x");
                GetResponse r = ch.basicGet("keep-q", true);
                assertEquals("kept", new String(r.getBody()));
                assertTrue(r.getEnvelope().isRedeliver());
                Errors.channelError(404, () -> ch.queueDeclarePassive("drop-q"));
                Channel ch2 = c.createChannel();
                Errors.channelError(404, () -> ch2.exchangeDeclarePassive("drop-x"));
            }
        }
    }

    @Test
    void raftLogIsPurgedAfterSnapshotsSoDiskStaysBounded() throws Exception {
        try (NodeProcess node = new NodeProcess()) {
            node.extraArgs.addAll(java.util.List.of("--set", "raft_snapshot_threshold=500"));
            node.start();
            byte[] body = new byte[4096];
            long[] sizes = new long[4];
            try (Connection c = node.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.queueDeclare("purge-q", true, false, false, null);
                ch.confirmSelect();
                for (int round = 0; round < sizes.length; round++) {
                    for (int i = 0; i < 3000; i++) {
                        ch.basicPublish("", "purge-q", null, body);
                        if (i % 100 == 99) ch.waitForConfirmsOrDie(30_000);
                        if (i % 100 == 99) for (int k = 0; k < 100; k++) assertNotNull(ch.basicGet("purge-q", true));
                    }
                    ch.waitForConfirmsOrDie(30_000);
                    sizes[round] = node.dirSize("raft");
                }
            }
            // 12,000 messages of 4 KB went through (48 MB of bodies); the log must not hold them all
            assertTrue(sizes[3] < 40L << 20, "raft log grew to " + sizes[3] + " bytes: " + java.util.Arrays.toString(sizes));
            assertTrue(sizes[3] < sizes[0] * 3, "raft log keeps growing: " + java.util.Arrays.toString(sizes));
        }
    }
}
