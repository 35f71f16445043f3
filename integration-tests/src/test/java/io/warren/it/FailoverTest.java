package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.metadata.model.QueueRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The leader of a queue goes away under confirmed load: a new leader takes over, publishing through another
 * node carries on, and the consumer on a surviving node gets every confirmed message (redelivered ones
 * flagged), nothing that was never published, duplicates counted.
 */
class FailoverTest {
    /** The same with the queue in a group of its own and in a group it shares with other (busy) queues. */
    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "shared"})
    void leaderStopsUnderLoadAndNothingConfirmedIsLost(String groupMode) throws Exception {
        try (TestCluster cluster = new TestCluster(3).start()) {
            java.util.Map<String, Object> args = java.util.Map.of("x-queue-group", groupMode);
            try (Connection admin = cluster.node(0).connect(); Channel ch = admin.createChannel()) {
                ch.queueDeclare("fo-sibling", true, false, false, args);
                ch.queueDeclare("fo-q", true, false, false, args); // leader: n1 (client-local)
                ch.confirmSelect();
                for (int i = 0; i < 1000; i++) ch.basicPublish("", "fo-sibling", null, new byte[100]);
                ch.waitForConfirmsOrDie(30_000);
            }
            assertEquals("shared".equals(groupMode), cluster.node(1).node().broker().state().vhost("/").queue("fo-sibling").groupId()
                    .equals(cluster.node(1).node().broker().state().vhost("/").queue("fo-q").groupId()));
            QueueRecord q = cluster.node(1).node().broker().state().vhost("/").queue("fo-q");
            assertEquals("n1@127.0.0.1", q.preferredLeader());

            Set<Integer> received = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger redelivered = new AtomicInteger();
            Connection consumerConn = cluster.node(2).connect();
            Channel cc = consumerConn.createChannel();
            cc.basicQos(100);
            cc.basicConsume("fo-q", false, new DefaultConsumer(cc) {
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                    int i = ByteBuffer.wrap(body).getInt();
                    if (!received.add(i)) duplicates.incrementAndGet();
                    if (e.isRedeliver()) redelivered.incrementAndGet();
                    getChannel().basicAck(e.getDeliveryTag(), false);
                }
            });

            ConfirmTracker confirms = new ConfirmTracker();
            Set<Integer> confirmed = confirms.confirmed;
            Connection pubConn = cluster.node(1).connect();
            Channel pc = pubConn.createChannel();
            pc.confirmSelect();
            pc.addConfirmListener(confirms);
            int published = 0;
            long stopAt = 0;
            long end = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < end) {
                while (confirms.outstanding() > 500) Thread.sleep(1);
                confirms.sent(pc.getNextPublishSeqNo(), published);
                pc.basicPublish("", "fo-q", null, ByteBuffer.allocate(8).putInt(published).array());
                published++;
                if (published == 2000) {
                    cluster.node(0).stop(); // the leader goes away
                    stopAt = System.currentTimeMillis();
                }
                if (published >= 2000 && confirmed.size() >= 4000) break;
            }
            assertTrue(stopAt > 0);
            assertTrue(confirmed.size() >= 4000, "publishing went on after the leader stopped: " + confirmed.size() + " confirmed");
            confirms.assertEveryConfirmedReceived(received, published);
            System.out.printf("failover: published %d, confirmed %d, received %d, duplicates %d, redelivered %d%n",
                    published, confirmed.size(), received.size(), duplicates.get(), redelivered.get());
            pubConn.close();
            consumerConn.close();
            try (Connection c = cluster.node(2).connect(); Channel ch = c.createChannel()) {
                assertEquals(1000, ch.queueDeclarePassive("fo-sibling").getMessageCount(), "the sibling queue kept its messages");
            }
        }
    }

    /**
     * A consumer that subscribes while its queue's leader has just died (as clients do when they recover their
     * connections) waits for the new leader instead of having its connection closed (found by the fault suite).
     */
    @org.junit.jupiter.api.Test
    void consumeRightAfterTheLeaderDiesWaitsForTheNewLeader() throws Exception {
        try (TestCluster cluster = new TestCluster(3).start()) {
            try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("fo-late", true, false, false, null); // leader: n1 (client-local)
                ch.confirmSelect();
                for (int i = 0; i < 10; i++) ch.basicPublish("", "fo-late", null, ByteBuffer.allocate(4).putInt(i).array());
                ch.waitForConfirmsOrDie(10_000);
            }
            cluster.node(0).stop();
            Set<Integer> received = ConcurrentHashMap.newKeySet();
            try (Connection c = cluster.node(2).connect()) {
                Channel ch = c.createChannel();
                ch.basicConsume("fo-late", true, new DefaultConsumer(ch) {
                    @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) {
                        received.add(ByteBuffer.wrap(body).getInt());
                    }
                });
                long deadline = System.currentTimeMillis() + 30_000;
                while (received.size() < 10 && System.currentTimeMillis() < deadline) Thread.sleep(50);
                assertEquals(10, received.size(), "every message reached the consumer that subscribed during the election");
                assertTrue(c.isOpen());
            }
        }
    }
}
