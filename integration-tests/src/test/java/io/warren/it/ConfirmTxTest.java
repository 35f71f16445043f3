package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Publisher confirms and transactions with the real Java client. */
class ConfirmTxTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    @Test
    void everyPublishIsConfirmedOnceWithMultipleAcks() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("c-many", true, false, false, null);
            ch.confirmSelect();
            int n = 5000;
            ConcurrentSkipListSet<Long> confirmed = new ConcurrentSkipListSet<>();
            AtomicInteger multipleAcks = new AtomicInteger();
            AtomicBoolean nacked = new AtomicBoolean();
            AtomicBoolean twice = new AtomicBoolean();
            CountDownLatch all = new CountDownLatch(1);
            ch.addConfirmListener(new ConfirmListener() {
                @Override public void handleAck(long tag, boolean multiple) {
                    if (multiple) {
                        multipleAcks.incrementAndGet();
                        for (long s = 1; s <= tag; s++) confirmed.add(s);
                    } else if (!confirmed.add(tag)) {
                        twice.set(true);
                    }
                    if (confirmed.size() == n) all.countDown();
                }

                @Override public void handleNack(long tag, boolean multiple) { nacked.set(true); }
            });
            for (int i = 0; i < n; i++) ch.basicPublish("", "c-many", null, new byte[100]);
            assertTrue(all.await(60, TimeUnit.SECONDS), "confirmed " + confirmed.size() + " of " + n);
            assertFalse(nacked.get());
            assertFalse(twice.get(), "a sequence number was acked twice");
            assertTrue(multipleAcks.get() > 0, "group commit should confirm with multiple=true");
            assertEquals(n, ch.queueDeclarePassive("c-many").getMessageCount());
        }
    }

    @Test
    void unroutableMessagesAreConfirmedToo() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("amq.topic", "no.binding", null, new byte[0]);
            ch.waitForConfirmsOrDie(10_000);
        }
    }

    @Test
    void confirmAndTxDoNotMix() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.txSelect();
            assertEquals("PRECONDITION_FAILED - cannot switch from tx to confirm mode", Errors.channelError(406, ch::confirmSelect));
            Channel ch2 = c.createChannel();
            ch2.confirmSelect();
            assertEquals("PRECONDITION_FAILED - cannot switch from confirm to tx mode", Errors.channelError(406, ch2::txSelect));
            Channel ch3 = c.createChannel();
            assertEquals("PRECONDITION_FAILED - channel is not transactional", Errors.channelError(406, ch3::txCommit));
        }
    }

    @Test
    void publishesTakeEffectAtCommitAndVanishOnRollback() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("tx-pub", true, false, false, null);
            Channel probe = c.createChannel();
            ch.txSelect();
            ch.basicPublish("", "tx-pub", null, "one".getBytes());
            ch.basicPublish("", "tx-pub", null, "two".getBytes());
            assertEquals(0, probe.queueDeclarePassive("tx-pub").getMessageCount(), "nothing before commit");
            ch.txCommit();
            assertEquals(2, probe.queueDeclarePassive("tx-pub").getMessageCount());
            ch.basicPublish("", "tx-pub", null, "three".getBytes());
            ch.txRollback();
            ch.txCommit();
            assertEquals(2, probe.queueDeclarePassive("tx-pub").getMessageCount(), "rolled back publish is gone");
        }
    }

    @Test
    void acksTakeEffectAtCommit() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("tx-ack", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "tx-ack", null, "a".getBytes());
            ch.basicPublish("", "tx-ack", null, "b".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            Channel tx = c.createChannel();
            tx.txSelect();
            GetResponse a = tx.basicGet("tx-ack", false);
            GetResponse b = tx.basicGet("tx-ack", false);
            tx.basicAck(a.getEnvelope().getDeliveryTag(), false);
            tx.txRollback(); // the ack of a is undone: a stays unacked on the channel
            tx.basicAck(b.getEnvelope().getDeliveryTag(), true); // acks a and b
            tx.txCommit();
            tx.close();
            assertNull(ch.basicGet("tx-ack", true), "both acked at commit");
        }
    }

    @Test
    void unackedGetsGoBackOnChannelCloseInTx() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("tx-close", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "tx-close", null, "x".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            Channel tx = c.createChannel();
            tx.txSelect();
            GetResponse g = tx.basicGet("tx-close", false);
            tx.basicAck(g.getEnvelope().getDeliveryTag(), false);
            tx.close(); // never committed
            GetResponse again = ch.basicGet("tx-close", true);
            assertNotNull(again, "uncommitted ack must not remove the message");
            assertTrue(again.getEnvelope().isRedeliver());
        }
    }

    /** A nack or reject with requeue in a transaction waits for tx.commit, and a rollback undoes it (as RabbitMQ). */
    @Test
    void requeuesInATransactionTakeEffectAtCommitOnly() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("tx-requeue", true, false, false, null);
            ch.confirmSelect(); // another channel sees the messages once they are confirmed
            ch.basicPublish("", "tx-requeue", null, "a".getBytes());
            ch.basicPublish("", "tx-requeue", null, "b".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            Channel tx = c.createChannel();
            tx.txSelect();
            GetResponse a = tx.basicGet("tx-requeue", false);
            GetResponse b = tx.basicGet("tx-requeue", false);
            tx.basicNack(a.getEnvelope().getDeliveryTag(), false, true);
            tx.basicReject(b.getEnvelope().getDeliveryTag(), true);
            assertNull(tx.basicGet("tx-requeue", false), "nothing requeued before the commit");
            tx.txRollback();
            assertNull(tx.basicGet("tx-requeue", false), "nor after a rollback: both are still unacked here");
            tx.basicNack(b.getEnvelope().getDeliveryTag(), true, true); // both, again
            tx.txCommit();
            GetResponse again = tx.basicGet("tx-requeue", true);
            assertNotNull(again, "requeued at commit");
            assertTrue(again.getEnvelope().isRedeliver());
            assertNotNull(tx.basicGet("tx-requeue", true));
            tx.txCommit();
        }
    }

    /** basic.get, ack(1) in a tx, rollback, ack(1, multiple): tag 1 is unacked again, in its place (it was 406). */
    @Test
    void aRolledBackAckCanBeAckedAgainWithMultiple() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("tx-multi", false, false, false, null);
            for (int i = 0; i < 3; i++) ch.basicPublish("", "tx-multi", null, new byte[1]);
            ch.txSelect();
            long first = ch.basicGet("tx-multi", false).getEnvelope().getDeliveryTag();
            ch.basicGet("tx-multi", false);
            ch.basicGet("tx-multi", false);
            ch.basicAck(first, false);
            ch.txRollback();
            ch.basicAck(first, true);
            ch.txCommit();
            assertEquals(0, ch.queueDeclarePassive("tx-multi").getMessageCount());
        }
    }

    /** An unroutable mandatory publish in a transaction is returned at tx.commit, and never after a rollback. */
    @Test
    void returnsInATransactionComeAtCommit() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            java.util.concurrent.BlockingQueue<String> returned = new java.util.concurrent.LinkedBlockingQueue<>();
            ch.addReturnListener(r -> returned.add(new String(r.getBody())));
            ch.txSelect();
            ch.basicPublish("", "tx-nowhere", true, null, "rolled-back".getBytes());
            ch.txRollback();
            ch.basicPublish("", "tx-nowhere", true, null, "committed".getBytes());
            assertNull(returned.poll(300, TimeUnit.MILLISECONDS), "no basic.return before tx.commit");
            ch.txCommit();
            assertEquals("committed", returned.poll(10, TimeUnit.SECONDS));
            assertNull(returned.poll(200, TimeUnit.MILLISECONDS), "the rolled-back publish is never returned");
        }
    }
}
