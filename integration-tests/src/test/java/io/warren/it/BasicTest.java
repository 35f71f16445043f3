package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** basic.* with the real Java client, on quorum and classic queues alike. */
class BasicTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    record Got(String tag, long deliveryTag, boolean redelivered, String body) { }

    /** A consumer that records its deliveries. */
    static final class Recorder extends DefaultConsumer {
        final BlockingQueue<Got> got = new LinkedBlockingQueue<>();

        Recorder(Channel ch) { super(ch); }

        @Override
        public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] body) {
            got.add(new Got(tag, e.getDeliveryTag(), e.isRedeliver(), new String(body)));
        }

        Got next() throws InterruptedException {
            Got g = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(g, "no delivery within 10 s");
            return g;
        }

        void assertNothingFor(long ms) throws InterruptedException {
            Got g = got.poll(ms, TimeUnit.MILLISECONDS);
            assertNull(g, "unexpected delivery " + g);
        }
    }

    private static String declare(Channel ch, String name, boolean quorum) throws Exception {
        ch.queueDeclare(name, quorum, false, false, quorum ? Map.of("x-queue-type", "quorum") : Map.of("x-queue-type", "classic"));
        return name;
    }

    private static void publish(Channel ch, String q, String... bodies) throws Exception {
        ch.confirmSelect();
        for (String b : bodies) ch.basicPublish("", q, null, b.getBytes());
        ch.waitForConfirmsOrDie(10_000);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void consumeAckInOrderWithGivenAndGeneratedTags(boolean quorum) throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-order-" + quorum, quorum);
            publish(ch, q, "a", "b", "c");
            Channel cc = c.createChannel();
            Recorder r = new Recorder(cc);
            String generated = cc.basicConsume(q, false, r);
            assertTrue(generated.startsWith("amq.ctag-"), generated);
            for (String expected : List.of("a", "b", "c")) {
                Got g = r.next();
                assertEquals(expected, g.body());
                assertFalse(g.redelivered());
                cc.basicAck(g.deliveryTag(), false);
            }
            cc.basicCancel(generated);
            Recorder r2 = new Recorder(cc);
            assertEquals("my-tag", cc.basicConsume(q, false, "my-tag", r2));
            publish(ch, q, "d");
            assertEquals("my-tag", r2.next().tag());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void prefetchLimitsUnackedPerConsumer(boolean quorum) throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-prefetch-" + quorum, quorum);
            publish(ch, q, "1", "2", "3", "4");
            Channel cc = c.createChannel();
            cc.basicQos(2);
            Recorder r = new Recorder(cc);
            cc.basicConsume(q, false, r);
            Got g1 = r.next();
            Got g2 = r.next();
            r.assertNothingFor(300);
            cc.basicAck(g2.deliveryTag(), true); // multiple: acks 1 and 2
            assertEquals("3", r.next().body());
            assertEquals("4", r.next().body());
            assertEquals("1", g1.body());
        }
    }

    @Test
    void globalQosIsSharedByTheChannelsConsumers() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q1 = declare(ch, "b-global-1", true), q2 = declare(ch, "b-global-2", false);
            publish(ch, q1, "a1", "a2");
            publish(ch, q2, "b1", "b2");
            Channel cc = c.createChannel();
            cc.basicQos(0, 3, true);
            Recorder r = new Recorder(cc);
            cc.basicConsume(q1, false, r);
            cc.basicConsume(q2, false, r);
            r.next(); r.next(); Got third = r.next();
            r.assertNothingFor(300);
            cc.basicAck(third.deliveryTag(), false);
            assertNotNull(r.next());
        }
    }

    @Test
    void roundRobinBetweenConsumersAndPriorityFirst() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-rr", true);
            Channel c1 = c.createChannel(), c2 = c.createChannel();
            c1.basicQos(10);
            c2.basicQos(10);
            Recorder r1 = new Recorder(c1), r2 = new Recorder(c2);
            c1.basicConsume(q, true, r1);
            c2.basicConsume(q, true, r2);
            publish(ch, q, "1", "2", "3", "4");
            List<String> all = new ArrayList<>();
            all.add(r1.next().body()); all.add(r1.next().body());
            all.add(r2.next().body()); all.add(r2.next().body());
            Collections.sort(all);
            assertEquals(List.of("1", "2", "3", "4"), all);

            String pq = declare(ch, "b-prio", true);
            Channel low = c.createChannel(), high = c.createChannel();
            Recorder rl = new Recorder(low), rh = new Recorder(high);
            low.basicConsume(pq, true, "low", false, false, Map.of("x-priority", 1), rl);
            high.basicConsume(pq, true, "high", false, false, Map.of("x-priority", 10), rh);
            publish(ch, pq, "p1", "p2", "p3");
            assertEquals("p1", rh.next().body());
            assertEquals("p2", rh.next().body());
            assertEquals("p3", rh.next().body());
            rl.assertNothingFor(200);
        }
    }

    @Test
    void exclusiveConsumerLocksOthersOut() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-excl-consumer", true);
            ch.basicConsume(q, true, "only", false, true, null, new DefaultConsumer(ch));
            Channel other = c.createChannel();
            String t = Errors.channelError(403, () -> other.basicConsume(q, true, new DefaultConsumer(other)));
            assertTrue(t.contains("in exclusive use"), t);
        }
    }

    @Test
    void reusingAConsumerTagIsNotAllowed() throws Exception {
        Connection c = node.connect();
        Channel ch = c.createChannel();
        String q = declare(ch, "b-dup-tag", false);
        ch.basicConsume(q, true, "dup", new DefaultConsumer(ch));
        Errors.connectionError(530, () -> ch.basicConsume(q, true, "dup", new DefaultConsumer(ch)));
    }

    @Test
    void getAndGetEmpty() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            String q = declare(ch, "b-get", true);
            assertNull(ch.basicGet(q, false));
            publish(ch, q, "x", "y");
            GetResponse r = ch.basicGet(q, false);
            assertEquals("x", new String(r.getBody()));
            assertEquals(1, r.getMessageCount());
            ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            GetResponse r2 = ch.basicGet(q, true);
            assertEquals("y", new String(r2.getBody()));
            assertNull(ch.basicGet(q, true));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void nackAndRejectWithAndWithoutRequeue(boolean quorum) throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-nack-" + quorum, quorum);
            publish(ch, q, "m1", "m2", "m3");
            GetResponse a = ch.basicGet(q, false);
            ch.basicNack(a.getEnvelope().getDeliveryTag(), false, true);
            GetResponse again = ch.basicGet(q, false);
            assertEquals("m1", new String(again.getBody()));
            assertTrue(again.getEnvelope().isRedeliver(), "requeued message is redelivered");
            ch.basicReject(again.getEnvelope().getDeliveryTag(), false); // dropped
            GetResponse b = ch.basicGet(q, false);
            assertEquals("m2", new String(b.getBody()));
            GetResponse d = ch.basicGet(q, false);
            ch.basicNack(d.getEnvelope().getDeliveryTag(), true, false); // m2 and m3 dropped
            assertNull(ch.basicGet(q, true));
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
        }
    }

    @Test
    void unknownDeliveryTagIs406() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.basicAck(42, false);
            String t = Errors.channelError(406, () -> ch.queueDeclare());
            assertEquals("PRECONDITION_FAILED - unknown delivery tag 42", t);
        }
    }

    @Test
    void recoverRedeliversUnacked() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-recover", true);
            publish(ch, q, "r1");
            Channel cc = c.createChannel();
            Recorder r = new Recorder(cc);
            cc.basicConsume(q, false, r);
            Got first = r.next();
            assertFalse(first.redelivered());
            cc.basicRecover(true);
            Got second = r.next();
            assertEquals("r1", second.body());
            assertTrue(second.redelivered());
            cc.basicAck(second.deliveryTag(), false);
            r.assertNothingFor(200);
        }
    }

    @Test
    void closingAChannelReturnsItsUnacked() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-close-unacked", true);
            publish(ch, q, "u1", "u2");
            Channel cc = c.createChannel();
            Recorder r = new Recorder(cc);
            cc.basicConsume(q, false, r);
            r.next(); r.next();
            cc.close();
            GetResponse g = ch.basicGet(q, true);
            assertEquals("u1", new String(g.getBody()));
            assertTrue(g.getEnvelope().isRedeliver());
            assertEquals("u2", new String(ch.basicGet(q, true).getBody()));
        }
    }

    @Test
    void mandatoryUnroutableIsReturnedWithNoRoute() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            CountDownLatch returned = new CountDownLatch(1);
            int[] code = new int[1];
            ch.addReturnListener(ret -> { code[0] = ret.getReplyCode(); returned.countDown(); });
            ch.confirmSelect();
            ch.basicPublish("amq.direct", "nowhere", true, null, "lost?".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            assertTrue(returned.await(10, TimeUnit.SECONDS));
            assertEquals(312, code[0]);
        }
    }

    @Test
    void immediateIsNotImplemented() throws Exception {
        Connection c = node.connect();
        Channel ch = c.createChannel();
        ch.basicPublish("", "whatever", false, true, null, new byte[0]);
        String t = Errors.connectionError(540, () -> ch.queueDeclare());
        assertTrue(t.contains("immediate=true"), t);
    }

    @Test
    void channelFlowPausesDeliveries() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, "b-flow", false);
            Channel cc = c.createChannel();
            Recorder r = new Recorder(cc);
            cc.basicConsume(q, true, r);
            // channel.flow from the client: the Java client exposes it only through the raw RPC
            cc.asyncCompletableRpc(new AMQP.Channel.Flow.Builder().active(false).build()).get(10, TimeUnit.SECONDS);
            publish(ch, q, "held");
            r.assertNothingFor(300);
            cc.asyncCompletableRpc(new AMQP.Channel.Flow.Builder().active(true).build()).get(10, TimeUnit.SECONDS);
            assertEquals("held", r.next().body());
        }
    }

    @Test
    void prefetchSizeIsNotImplemented() throws Exception {
        Connection c = node.connect();
        Channel ch = c.createChannel();
        Errors.connectionError(540, () -> ch.basicQos(1024, 10, false));
    }

    /** x-priority must be an integer: void, a string, a table or an array is 406, as RabbitMQ. */
    @Test
    void consumerPriorityMustBeAnInteger() throws Exception {
        try (Connection c = node.connect()) {
            String q = c.createChannel().queueDeclare().getQueue();
            java.util.Map<String, Object> voidPriority = new java.util.HashMap<>();
            voidPriority.put("x-priority", null);
            for (java.util.Map<String, Object> args : List.of(voidPriority, Map.<String, Object>of("x-priority", "high"),
                    Map.<String, Object>of("x-priority", List.of(1)))) {
                Channel ch = c.createChannel();
                Errors.channelError(406, () -> ch.basicConsume(q, true, args, new DefaultConsumer(ch)));
            }
            Channel ch = c.createChannel();
            ch.basicConsume(q, true, Map.of("x-priority", 5L), new DefaultConsumer(ch));
        }
    }

    /** With a channel-wide prefetch of 1 over three queues, every queue gets its turn (one was starved before). */
    @Test
    void channelWidePrefetchServesEveryQueue() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            List<String> queues = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String q = ch.queueDeclare().getQueue();
                for (int m = 0; m < 30; m++) ch.basicPublish("", q, null, q.getBytes());
                queues.add(q);
            }
            ch.basicQos(1, true);
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            for (String q : queues) {
                ch.basicConsume(q, false, new DefaultConsumer(ch) {
                    @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] b) throws java.io.IOException {
                        got.add(new String(b));
                        getChannel().basicAck(e.getDeliveryTag(), false);
                    }
                });
            }
            java.util.Set<String> served = new java.util.HashSet<>();
            for (int i = 0; i < 30; i++) served.add(got.poll(10, TimeUnit.SECONDS));
            assertEquals(new java.util.HashSet<>(queues), served, "30 deliveries with a shared window of 1");
        }
    }

    /** A no-ack consumer is held back while the channel-wide window is full, as RabbitMQ's limiter holds it. */
    @Test
    void noAckConsumersObeyTheChannelWideLimit() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.basicQos(1, true);
            String acking = ch.queueDeclare().getQueue(), noAck = ch.queueDeclare().getQueue();
            Recorder r1 = new Recorder(ch), r2 = new Recorder(ch);
            ch.basicConsume(acking, false, r1);
            ch.basicPublish("", acking, null, "a1".getBytes());
            Got a1 = r1.next();
            ch.basicConsume(noAck, true, r2);
            ch.basicPublish("", noAck, null, "n1".getBytes());
            r2.assertNothingFor(300);
            ch.basicAck(a1.deliveryTag(), false);
            assertEquals("n1", r2.next().body());
        }
    }
}
