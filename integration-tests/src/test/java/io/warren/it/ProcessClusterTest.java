package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three nodes as separate processes: kill -9 of a queue's leader under load, of all nodes at once; a channel's
 * confirms while one of its queues cannot answer.
 */
class ProcessClusterTest {
    /** Three node processes forming one cluster; closes (kills) them all. */
    static final class Cluster implements AutoCloseable {
        final List<NodeProcess> nodes = new ArrayList<>();

        Cluster(int n) throws Exception {
            for (int i = 1; i <= n; i++) nodes.add(new NodeProcess("p" + i + "@127.0.0.1"));
            for (NodeProcess p : nodes) {
                p.extraArgs.addAll(List.of("--cluster-secret", "process-test"));
                for (NodeProcess q : nodes) p.extraArgs.addAll(List.of("--peer", q.name + ":" + q.raftPort));
            }
        }

        Cluster start() throws Exception {
            for (NodeProcess p : nodes) p.launch();
            for (NodeProcess p : nodes) p.awaitUp();
            return this;
        }

        @Override public void close() throws Exception { for (NodeProcess p : nodes) p.close(); }
    }

    private static void publishWithConfirms(ConnectionFactory f, String queue, int from, int to) throws Exception {
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = from; i < to; i++) {
                ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, ByteBuffer.allocate(64).putInt(i).array());
                if (i % 200 == 199) ch.waitForConfirmsOrDie(30_000);
            }
            ch.waitForConfirmsOrDie(30_000);
        }
    }

    @Test
    void killLeaderUnderLoadThenKillAllAndRestart() throws Exception {
        try (Cluster cluster = new Cluster(3).start()) {
            NodeProcess leader = cluster.nodes.get(0), publisherNode = cluster.nodes.get(1), consumerNode = cluster.nodes.get(2);
            try (Connection c = leader.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.queueDeclare("pk-q", true, false, false, null); // client-local: led by p1
            }
            Set<Integer> received = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            Connection cc = consumerNode.factory().newConnection();
            Channel cch = cc.createChannel();
            cch.basicQos(200);
            cch.basicConsume("pk-q", false, new DefaultConsumer(cch) {
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] b) throws java.io.IOException {
                    if (!received.add(ByteBuffer.wrap(b).getInt())) duplicates.incrementAndGet();
                    getChannel().basicAck(e.getDeliveryTag(), false);
                }
            });
            ConfirmTracker confirms = new ConfirmTracker();
            Set<Integer> confirmed = confirms.confirmed;
            Connection pc = publisherNode.factory().newConnection();
            Channel pch = pc.createChannel();
            pch.confirmSelect();
            pch.addConfirmListener(confirms);
            int published = 0;
            long killedAt = 0, firstConfirmAfterKill = 0;
            int confirmedAtKill = 0;
            long end = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < end) {
                while (confirms.outstanding() > 300) Thread.sleep(1);
                confirms.sent(pch.getNextPublishSeqNo(), published);
                pch.basicPublish("", "pk-q", MessageProperties.PERSISTENT_BASIC, ByteBuffer.allocate(64).putInt(published).array());
                published++;
                if (published == 3000) {
                    leader.kill9();
                    killedAt = System.currentTimeMillis();
                    confirmedAtKill = confirmed.size();
                }
                if (killedAt > 0 && firstConfirmAfterKill == 0 && confirmed.size() > confirmedAtKill + 300) {
                    firstConfirmAfterKill = System.currentTimeMillis();
                }
                if (killedAt > 0 && confirmed.size() >= 6000) break;
            }
            assertTrue(confirmed.size() >= 6000, "confirms went on after the leader died: " + confirmed.size());
            confirms.assertEveryConfirmedReceived(received, published);
            System.out.printf("kill -9 of the leader: published %d, confirmed %d, consumed %d, duplicates %d, confirms resumed after %d ms%n",
                    published, confirmed.size(), received.size(), duplicates.get(), firstConfirmAfterKill - killedAt);
            pc.close();
            cc.close();

            // a queue declared while one of three nodes is down
            try (Connection c = publisherNode.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.queueDeclare("pk-while-down", true, false, false, null);
            }
            publishWithConfirms(publisherNode.factory(), "pk-while-down", 0, 1000);

            // kill -9 every node, restart them all: every confirmed message is there
            for (NodeProcess p : cluster.nodes) if (p != leader) p.kill9();
            for (NodeProcess p : cluster.nodes) p.launch();
            for (NodeProcess p : cluster.nodes) p.awaitUp();
            try (Connection c = leader.factory().newConnection(); Channel ch = c.createChannel()) {
                Set<Integer> got = new java.util.HashSet<>();
                long d = System.currentTimeMillis() + 90_000; // one get at a time: ~30 s on a machine loaded ~9 deep
                while (got.size() < 1000 && System.currentTimeMillis() < d) {
                    GetResponse r = ch.basicGet("pk-while-down", true);
                    if (r == null) { Thread.sleep(100); continue; }
                    got.add(ByteBuffer.wrap(r.getBody()).getInt());
                }
                assertEquals(1000, got.size(), "confirmed messages after killing and restarting every node");
            }
        }
    }

    /**
     * A channel publishes to a queue whose only node has stopped answering (SIGSTOP: connections stay open, as
     * behind a partition) and then to a queue that works. The working queue's confirms arrive at once, each on its
     * own, as RabbitMQ sends them; they used to wait until the stuck publish was nacked (15–30 s).
     */
    @Test
    void confirmsAreNotHeldBackByAPublishToAQueueThatCannotAnswer() throws Exception {
        try (Cluster cluster = new Cluster(3).start()) {
            NodeProcess front = cluster.nodes.get(0), silent = cluster.nodes.get(2);
            try (Connection c = silent.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.queueDeclare("stuck-q", true, false, false, Map.of("x-quorum-initial-group-size", 1)); // on the silent node only
            }
            try (Connection c = front.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.queueDeclare("ok-q", true, false, false, null);
                ch.confirmSelect();
                ch.basicPublish("", "ok-q", MessageProperties.PERSISTENT_BASIC, "warm".getBytes());
                ch.waitForConfirmsOrDie(30_000);
            }
            silent.pause();
            try (Connection c = front.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.confirmSelect();
                ConcurrentSkipListSet<Long> unconfirmed = new ConcurrentSkipListSet<>();
                Set<Long> nacked = ConcurrentHashMap.newKeySet();
                ch.addConfirmListener(new com.rabbitmq.client.ConfirmListener() {
                    @Override public void handleAck(long tag, boolean multiple) {
                        if (multiple) unconfirmed.headSet(tag, true).clear();
                        else unconfirmed.remove(tag);
                    }

                    @Override public void handleNack(long tag, boolean multiple) {
                        nacked.add(tag);
                        handleAck(tag, multiple);
                    }
                });
                for (long tag = 1; tag <= 11; tag++) unconfirmed.add(tag);
                ch.basicPublish("", "stuck-q", MessageProperties.PERSISTENT_BASIC, "stuck".getBytes());
                for (int i = 0; i < 10; i++) ch.basicPublish("", "ok-q", MessageProperties.PERSISTENT_BASIC, ("ok-" + i).getBytes());
                long deadline = System.currentTimeMillis() + 8_000;
                while (unconfirmed.size() > 1 && System.currentTimeMillis() < deadline) Thread.sleep(20);
                assertEquals(Set.of(1L), Set.copyOf(unconfirmed),
                        "the ten publishes to the working queue are confirmed while the stuck one is pending");
                silent.resume();
                deadline = System.currentTimeMillis() + 60_000;
                while (!unconfirmed.isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(50);
                assertTrue(unconfirmed.isEmpty(), "the stuck publish is settled (acked or nacked) in the end");
            } finally {
                silent.resume();
            }
            try (Connection c = front.factory().newConnection(); Channel ch = c.createChannel()) {
                assertEquals(11, ch.queueDeclarePassive("ok-q").getMessageCount(), "the working queue has every message");
            }
        }
    }
}
