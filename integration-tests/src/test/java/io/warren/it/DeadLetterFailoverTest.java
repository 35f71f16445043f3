package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * At-least-once dead-lettering across a failover: confirmed messages expire out of a quorum queue into a dead-letter
 * quorum queue while the source queue's leader goes away mid-way.
 * Every confirmed message must come out of the dead-letter queue; duplicates are allowed and counted.
 * (Publishes go on until 2,500 are confirmed; those nacked during the election do not count.)
 */
class DeadLetterFailoverTest {
    @Test
    void confirmedMessagesExpireIntoTheDeadLetterQueueAcrossALeaderFailure() throws Exception {
        try (TestCluster cluster = new TestCluster(3).start()) {
            try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
                ch.exchangeDeclare("dlf-x", "fanout", true);
                ch.queueDeclare("dlf-dst", true, false, false, Map.of("x-queue-type", "quorum"));
                ch.queueBind("dlf-dst", "dlf-x", "");
                ch.queueDeclare("dlf-src", true, false, false, Map.of("x-queue-type", "quorum", "x-message-ttl", 300,
                        "x-dead-letter-exchange", "dlf-x", "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish"));
            }
            String leaderName = cluster.node(1).node().broker().state().vhost("/").queue("dlf-src").preferredLeader();
            int leader = cluster.nodes.indexOf(cluster.byName(leaderName));

            ConfirmTracker confirms = new ConfirmTracker();
            Connection pubConn = cluster.node((leader + 1) % 3).connect();
            Channel pc = pubConn.createChannel();
            pc.confirmSelect();
            pc.addConfirmListener(confirms);
            int published = 0;
            long end = System.currentTimeMillis() + 60_000;
            // publishes nacked while the group elects a new leader are not counted: go on until 2,500 are confirmed
            while (confirms.confirmed.size() < 2500 && published < 20_000 && System.currentTimeMillis() < end) {
                while (confirms.outstanding() > 200) Thread.sleep(1);
                confirms.sent(pc.getNextPublishSeqNo(), published);
                try {
                    pc.basicPublish("", "dlf-src", null, ByteBuffer.allocate(4).putInt(published).array());
                } catch (Exception e) {
                    break;
                }
                published++;
                if (published == 1500) cluster.node(leader).stop(); // the source queue's leader goes away
            }
            long settle = System.currentTimeMillis() + 30_000;
            while (confirms.outstanding() > 0 && System.currentTimeMillis() < settle) Thread.sleep(10);
            Set<Integer> confirmed = confirms.confirmed;
            assertTrue(confirmed.size() >= 2500, "publishing went on after the failure: " + confirmed.size() + " confirmed");

            Set<Integer> received = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            Connection consConn = cluster.node((leader + 2) % 3).connect();
            Channel cc = consConn.createChannel();
            cc.basicQos(200);
            cc.basicConsume("dlf-dst", false, new DefaultConsumer(cc) {
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                    if (!received.add(ByteBuffer.wrap(body).getInt())) duplicates.incrementAndGet();
                    getChannel().basicAck(e.getDeliveryTag(), false);
                }
            });
            long deadline = System.currentTimeMillis() + 90_000;
            while (!received.containsAll(confirmed) && System.currentTimeMillis() < deadline) Thread.sleep(100);
            Set<Integer> lost = new java.util.TreeSet<>(confirmed);
            lost.removeAll(received);
            System.out.println("dead-letter failover: published " + published + ", confirmed " + confirmed.size() + ", dead-lettered "
                    + received.size() + ", duplicates " + duplicates.get() + ", lost " + lost.size());
            assertEquals(Set.of(), lost, "every confirmed message comes out of the dead-letter queue");
            pubConn.abort();
            consConn.abort();
        }
    }
}
