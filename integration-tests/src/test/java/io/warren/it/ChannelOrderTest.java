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

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One channel, one order: every method on a channel sees the effects of the ones before it (docs/protocol.md), for
 * every kind of queue. Before this was a rule, a publish to a durable queue was missed by the very next basic.get
 * 49 times in 50. The same through a node that does not lead the queue: {@code ClusterTest}.
 */
class ChannelOrderTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    /** quorum, durable classic (a one-member group), transient classic (memory). */
    static String declare(Channel ch, String kind) throws Exception {
        String name = "order-" + kind;
        ch.queueDelete(name);
        switch (kind) {
            case "quorum" -> ch.queueDeclare(name, true, false, false, Map.of("x-queue-type", "quorum"));
            case "durable-classic" -> ch.queueDeclare(name, true, false, false, Map.of("x-queue-type", "classic"));
            default -> ch.queueDeclare(name, false, false, false, null);
        }
        return name;
    }

    @ParameterizedTest
    @ValueSource(strings = {"quorum", "durable-classic", "transient"})
    void publishThenGetNeverMisses(String kind) throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            String q = declare(ch, kind);
            for (int i = 0; i < 100; i++) {
                ch.basicPublish("", q, null, ("m" + i).getBytes());
                GetResponse r = ch.basicGet(q, true);
                assertNotNull(r, "publish " + i + " not seen by the next basic.get on the channel");
                assertEquals("m" + i, new String(r.getBody()));
            }
            ch.confirmSelect(); // the same with confirms on, before the confirm arrives
            for (int i = 0; i < 20; i++) {
                ch.basicPublish("", q, null, ("c" + i).getBytes());
                assertEquals("c" + i, new String(ch.basicGet(q, true).getBody()));
            }
            ch.waitForConfirmsOrDie(10_000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"quorum", "durable-classic", "transient"})
    void countsPurgeAndDeleteSeeEarlierPublishes(String kind) throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String q = declare(ch, kind);
            for (int i = 0; i < 10; i++) ch.basicPublish("", q, null, new byte[10]);
            assertEquals(10, ch.queueDeclarePassive(q).getMessageCount(), "passive declare right after the publishes");
            ch.basicPublish("", q, null, new byte[10]);
            assertEquals(11, ch.queuePurge(q).getMessageCount(), "purge right after a publish");
            ch.basicPublish("", q, null, new byte[10]);
            Errors.channelError(406, () -> ch.queueDelete(q, false, true)); // if-empty right after a publish: not empty
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"quorum", "durable-classic", "transient"})
    void settlementsAreSeenByTheNextMethod(String kind) throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            String q = declare(ch, kind);
            ch.basicPublish("", q, null, "a".getBytes());
            GetResponse a = ch.basicGet(q, false);
            ch.basicAck(a.getEnvelope().getDeliveryTag(), false);
            assertNull(ch.basicGet(q, false), "an acked message is gone for the next get");
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
            ch.basicPublish("", q, null, "b".getBytes());
            GetResponse b = ch.basicGet(q, false);
            ch.basicReject(b.getEnvelope().getDeliveryTag(), true);
            GetResponse again = ch.basicGet(q, false);
            assertNotNull(again, "a requeued message is back for the next get");
            assertTrue(again.getEnvelope().isRedeliver());
            ch.basicNack(again.getEnvelope().getDeliveryTag(), false, true);
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            ch.basicConsume(q, true, new DefaultConsumer(ch) {
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) { got.add(new String(body)); }
            });
            assertEquals("b", got.poll(10, TimeUnit.SECONDS), "requeue, then consume: the consumer gets it");
        }
    }
}
