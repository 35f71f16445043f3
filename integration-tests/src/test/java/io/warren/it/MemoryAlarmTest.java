package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A publisher far faster than its consumer, against a node with a small heap: the memory alarm blocks it
 * (connection.blocked), the consumer keeps draining, the alarm clears (connection.unblocked), and every confirmed
 * message is consumed.
 */
class MemoryAlarmTest {
    @Test
    void aRunawayPublisherIsBlockedWhileConsumersDrainAndNothingIsLost() throws Exception {
        try (NodeProcess node = new NodeProcess("alarm@127.0.0.1")) {
            node.maxHeap = "-Xmx256m";
            node.start();
            AtomicInteger blocked = new AtomicInteger(), unblocked = new AtomicInteger();
            Set<Integer> received = ConcurrentHashMap.newKeySet();
            AtomicBoolean slow = new AtomicBoolean(true);
            try (Connection pub = node.factory().newConnection(); Connection sub = node.factory().newConnection()) {
                pub.addBlockedListener(new BlockedListener() {
                    @Override public void handleBlocked(String reason) { blocked.incrementAndGet(); }

                    @Override public void handleUnblocked() { unblocked.incrementAndGet(); }
                });
                Channel pc = pub.createChannel();
                pc.queueDeclare("runaway", false, false, false, null); // a transient classic queue: bodies in memory
                Channel cc = sub.createChannel();
                cc.basicQos(10);
                cc.basicConsume("runaway", false, new DefaultConsumer(cc) {
                    @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] b) throws java.io.IOException {
                        received.add(ByteBuffer.wrap(b).getInt());
                        if (slow.get()) { try { Thread.sleep(5); } catch (InterruptedException x) { Thread.currentThread().interrupt(); } }
                        getChannel().basicAck(e.getDeliveryTag(), false);
                    }
                });
                ConfirmTracker confirms = new ConfirmTracker();
                pc.confirmSelect();
                pc.addConfirmListener(confirms);
                int published = 0;
                long deadline = System.currentTimeMillis() + 90_000;
                // publish until the alarm has blocked us and let us go again (the publish call itself blocks meanwhile)
                while (unblocked.get() == 0 && System.currentTimeMillis() < deadline) {
                    if (blocked.get() > 0) slow.set(false); // the consumer drains at full speed once the alarm is up
                    if (confirms.outstanding() > 2_000) { Thread.sleep(1); continue; }
                    confirms.sent(pc.getNextPublishSeqNo(), published);
                    byte[] body = new byte[16 * 1024];
                    ByteBuffer.wrap(body).putInt(published++);
                    pc.basicPublish("", "runaway", null, body);
                }
                assertTrue(blocked.get() > 0, "the memory alarm blocked the publisher (published " + published + ")");
                assertTrue(unblocked.get() > 0, "and unblocked it once the consumer drained the queue");
                slow.set(false);
                pc.waitForConfirmsOrDie(60_000);
                confirms.assertEveryConfirmedReceived(received, published);
                System.out.printf("memory alarm: published %d (16 KB each) before it cleared, blocked %d time(s), consumed %d%n",
                        published, blocked.get(), received.size());
            }
        }
    }
}
