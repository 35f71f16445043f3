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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Three nodes as separate processes: kill -9 of a queue's leader under load, of all nodes at once. */
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
                long d = System.currentTimeMillis() + 30_000;
                while (got.size() < 1000 && System.currentTimeMillis() < d) {
                    GetResponse r = ch.basicGet("pk-while-down", true);
                    if (r == null) { Thread.sleep(100); continue; }
                    got.add(ByteBuffer.wrap(r.getBody()).getInt());
                }
                assertEquals(1000, got.size(), "confirmed messages after killing and restarting every node");
            }
        }
    }
}
