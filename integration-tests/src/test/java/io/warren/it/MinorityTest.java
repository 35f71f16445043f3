package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConfirmListener;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A node left without a majority (its two peers down) confirms nothing and refuses metadata changes with a
 * clear error; when a peer returns, it works again and nothing confirmed before is lost.
 */
class MinorityTest {
    @Test
    void aNodeWithoutMajorityConfirmsNothingAndRecovers() throws Exception {
        try (TestCluster cluster = new TestCluster(3).start()) {
            TestNode lonely = cluster.node(0);
            try (Connection c = lonely.connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("min-q", true, false, false, null);
                ch.confirmSelect();
                ch.basicPublish("", "min-q", null, "before".getBytes());
                ch.waitForConfirmsOrDie(10_000);
            }
            cluster.node(1).stop();
            cluster.node(2).stop();
            try (Connection c = lonely.connect(); Channel ch = c.createChannel()) {
                ch.confirmSelect();
                AtomicBoolean acked = new AtomicBoolean();
                CountDownLatch nacked = new CountDownLatch(1);
                ch.addConfirmListener(new ConfirmListener() {
                    @Override public void handleAck(long tag, boolean multiple) { acked.set(true); }

                    @Override public void handleNack(long tag, boolean multiple) { nacked.countDown(); }
                });
                ch.basicPublish("", "min-q", null, "during".getBytes());
                assertTrue(nacked.await(60, TimeUnit.SECONDS), "the minority nacks the publish");
                assertFalse(acked.get(), "the minority never confirms");
            }
            Connection c2 = lonely.connect();
            Channel ch2 = c2.createChannel();
            Errors.Closed closed = Errors.closedBy(() -> ch2.exchangeDeclare("min-x", "direct"));
            assertTrue(closed.text().contains("no majority"), closed.text());

            cluster.node(1).start(); // a majority again
            try (Connection c = lonely.connect(); Channel ch = c.createChannel()) {
                ch.exchangeDeclare("min-x", "direct");
                ch.confirmSelect();
                long deadline = System.currentTimeMillis() + 30_000;
                boolean confirmed = false;
                while (!confirmed && System.currentTimeMillis() < deadline) { // a nack while the group elects: republish
                    ch.basicPublish("", "min-q", null, "after".getBytes());
                    confirmed = ch.waitForConfirms(30_000);
                }
                assertTrue(confirmed, "publishing works again once a majority is back");
                assertEquals("before", new String(ch.basicGet("min-q", true).getBody()));
            }
        }
    }
}
