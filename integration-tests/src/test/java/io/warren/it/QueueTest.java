package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** queue.* with the real Java client: declare, passive, exclusive, auto-delete, purge, delete, and their errors. */
class QueueTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    @Test
    void serverNamedQueuesAreExclusiveClassicAndNamedAmqGen() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            AMQP.Queue.DeclareOk ok = ch.queueDeclare();
            assertTrue(ok.getQueue().startsWith("amq.gen-"), ok.getQueue());
            assertEquals(0, ok.getMessageCount());
            ch.basicPublish("", ok.getQueue(), null, "x".getBytes());
            assertNotNull(ch.basicGet(ok.getQueue(), true));
        }
    }

    @Test
    void declareOkCountsMessagesAndConsumers() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("q-counts", true, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) ch.basicPublish("", "q-counts", null, new byte[]{1});
            ch.waitForConfirmsOrDie(10_000);
            AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive("q-counts");
            assertEquals(3, ok.getMessageCount());
            assertEquals(0, ok.getConsumerCount());
            Channel ch2 = c.createChannel();
            ch2.basicQos(1);
            ch2.basicConsume("q-counts", false, new DefaultConsumer(ch2));
            long deadline = System.currentTimeMillis() + 5000;
            while (ch.queueDeclarePassive("q-counts").getConsumerCount() != 1 && System.currentTimeMillis() < deadline) Thread.sleep(10);
            assertEquals(1, ch.queueDeclarePassive("q-counts").getConsumerCount());
        }
    }

    @Test
    void passiveDeclareOfMissingQueueIs404() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String text = Errors.channelError(404, () -> ch.queueDeclarePassive("no-such-queue"));
            assertEquals("NOT_FOUND - no queue 'no-such-queue' in vhost '/'", text);
            assertTrue(c.isOpen(), "a channel error leaves the connection open");
        }
    }

    @Test
    void inequivalentRedeclareIs406NamingTheArgument() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("q-eq", true, false, false, null);
            String text = Errors.channelError(406, () -> ch.queueDeclare("q-eq", false, false, false, null));
            assertTrue(text.contains("inequivalent arg 'durable' for queue 'q-eq' in vhost '/'"), text);
            Channel ch2 = c.createChannel();
            ch2.queueDeclare("q-eq-args", true, false, false, Map.of("x-max-length", 10));
            String text2 = Errors.channelError(406, () -> ch2.queueDeclare("q-eq-args", true, false, false, Map.of("x-max-length", 20)));
            assertTrue(text2.contains("inequivalent arg 'x-max-length'"), text2);
            Channel ch3 = c.createChannel();
            ch3.queueDeclare("q-eq-args", true, false, false, Map.of("x-max-length", 10)); // equivalent: fine
        }
    }

    @Test
    void reservedPrefixIs403() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String text = Errors.channelError(403, () -> ch.queueDeclare("amq.mine", false, false, false, null));
            assertTrue(text.contains("reserved prefix 'amq.*'"), text);
        }
    }

    @Test
    void exclusiveQueueBelongsToItsConnectionAndGoesWithIt() throws Exception {
        Connection owner = node.connect();
        Channel och = owner.createChannel();
        och.queueDeclare("q-excl", false, true, false, null);
        try (Connection other = node.connect()) {
            Channel ch = other.createChannel();
            String text = Errors.channelError(405, () -> ch.queueDeclarePassive("q-excl"));
            assertTrue(text.startsWith("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q-excl'"), text);
            Channel ch2 = other.createChannel();
            Errors.channelError(405, () -> ch2.basicConsume("q-excl", true, new DefaultConsumer(ch2)));
            owner.close(); // as RabbitMQ: close-ok comes once the connection's exclusive queues are gone
            Channel ch3 = other.createChannel();
            Errors.channelError(404, () -> ch3.queueDeclarePassive("q-excl"));
        }
        for (int i = 0; i < 20; i++) { // a test suite's next connection declares the same exclusive queue at once
            try (Connection c = node.connect()) {
                c.createChannel().queueDeclare("q-excl-again", false, true, false, null);
            }
        }
    }

    /** Gone with its last consumer, as the cancelling channel's next method sees (durable ones live in a group). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void autoDeleteQueueGoesWithItsLastConsumer(boolean durable) throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("q-auto", durable, false, true, null);
            String tag1 = ch.basicConsume("q-auto", true, new DefaultConsumer(ch));
            String tag2 = ch.basicConsume("q-auto", true, new DefaultConsumer(ch));
            ch.basicCancel(tag1);
            assertNotNull(ch.queueDeclarePassive("q-auto"));
            ch.basicCancel(tag2);
            Errors.channelError(404, () -> ch.queueDeclarePassive("q-auto"));
        }
    }

    @Test
    void purgeReturnsTheCountAndEmptiesTheQueue() throws Exception {
        for (boolean durable : new boolean[]{true, false}) {
            String q = "q-purge-" + durable;
            try (Connection c = node.connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare(q, durable, false, false, null);
                ch.confirmSelect();
                for (int i = 0; i < 5; i++) ch.basicPublish("", q, null, new byte[]{(byte) i});
                ch.waitForConfirmsOrDie(10_000);
                assertEquals(5, ch.queuePurge(q).getMessageCount());
                assertNull(ch.basicGet(q, true));
                assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
            }
        }
    }

    @Test
    void deleteIfEmptyIfUnusedAndCount() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("q-del", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "q-del", null, new byte[]{1});
            ch.basicPublish("", "q-del", null, new byte[]{2});
            ch.waitForConfirmsOrDie(10_000);
            String text = Errors.channelError(406, () -> ch.queueDelete("q-del", false, true));
            assertTrue(text.contains("not empty"), text);
            Channel ch2 = c.createChannel();
            ch2.basicConsume("q-del", false, new DefaultConsumer(ch2));
            Channel ch3 = c.createChannel();
            String text2 = Errors.channelError(406, () -> ch3.queueDelete("q-del", true, false));
            assertTrue(text2.contains("in use"), text2);
            ch2.close();
            Channel ch4 = c.createChannel();
            assertEquals(2, ch4.queueDelete("q-del").getMessageCount());
            Errors.channelError(404, () -> ch4.queueDeclarePassive("q-del"));
            Channel ch5 = c.createChannel();
            assertEquals(0, ch5.queueDelete("q-del").getMessageCount(), "deleting a missing queue succeeds");
        }
    }

    @Test
    void deletingAQueueCancelsItsConsumers() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("q-cancelled", true, false, false, null);
            java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
            ch.basicConsume("q-cancelled", true, "the-tag", new DefaultConsumer(ch) {
                @Override public void handleCancel(String consumerTag) {
                    if (consumerTag.equals("the-tag")) cancelled.countDown();
                }
            });
            Channel other = c.createChannel();
            other.queueDelete("q-cancelled");
            assertTrue(cancelled.await(10, java.util.concurrent.TimeUnit.SECONDS), "basic.cancel from the server");
        }
    }

    @Test
    void quorumQueueRefusesExclusiveAndNonDurable() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String text = Errors.channelError(406, () -> ch.queueDeclare("q-qq-bad", false, false, false, Map.of("x-queue-type", "quorum")));
            assertTrue(text.contains("non-durable"), text);
        }
    }

    @Test
    void bindAndUnbind() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("q-bind", true, false, false, null);
            ch.queueBind("q-bind", "amq.direct", "k1");
            ch.confirmSelect();
            ch.basicPublish("amq.direct", "k1", null, "one".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            assertEquals("one", new String(ch.basicGet("q-bind", true).getBody()));
            ch.queueUnbind("q-bind", "amq.direct", "k1");
            ch.basicPublish("amq.direct", "k1", null, "two".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            assertNull(ch.basicGet("q-bind", true));
        }
    }

    @Test
    void bindingToMissingExchangeOrQueueIs404() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("q-bind404", false, false, false, null);
            String text = Errors.channelError(404, () -> ch.queueBind("q-bind404", "no-such-x", "k"));
            assertEquals("NOT_FOUND - no exchange 'no-such-x' in vhost '/'", text);
            Channel ch2 = c.createChannel();
            Errors.channelError(404, () -> ch2.queueBind("no-such-q", "amq.direct", "k"));
            Channel ch3 = c.createChannel();
            String t3 = Errors.channelError(403, () -> ch3.queueBind("q-bind404", "", "k"));
            assertTrue(t3.contains("default exchange"), t3);
        }
    }

    /** Redeclaring with another exclusive flag is 405 RESOURCE_LOCKED in RabbitMQ, not 406. */
    @Test
    void exclusiveMismatchIs405() throws Exception {
        try (Connection c = node.connect()) {
            c.createChannel().queueDeclare("q-excl-mismatch", false, false, false, null);
            Channel ch = c.createChannel();
            Errors.channelError(405, () -> ch.queueDeclare("q-excl-mismatch", false, true, false, null));
            c.createChannel().queueDelete("q-excl-mismatch");
            Channel ch2 = c.createChannel(); // as RabbitMQ: an exclusive queue is never durable, whatever the declare said
            ch2.queueDeclare("q-excl-durable", true, true, false, null);
            ch2.queueDeclare("q-excl-durable", false, true, false, null);
        }
    }

    /** Line feeds and carriage returns go from declared and deleted queue names, as RabbitMQ does. */
    @Test
    void lineFeedsAreStrippedFromQueueNames() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("q\ru\ne\r\nue_lf\n", false, false, true, null);
            assertEquals("queue_lf", ch.queueDeclarePassive("queue_lf").getQueue());
            ch.queueDelete("queue_lf\n");
            Channel ch2 = c.createChannel();
            Errors.channelError(404, () -> ch2.queueDeclarePassive("queue_lf"));
        }
    }

    /** A direct reply-to name answers a declare while its consumer is there (count 0, one consumer), 404 otherwise. */
    @Test
    void directReplyToNamesAnswerDeclares() throws Exception {
        try (Connection c = node.connect()) {
            Channel requester = c.createChannel();
            requester.basicConsume("amq.rabbitmq.reply-to", true, new DefaultConsumer(requester));
            String q = requester.queueDeclare().getQueue();
            requester.basicPublish("", q, new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build(), new byte[0]);
            String replyTo = requester.basicGet(q, true).getProps().getReplyTo();
            var ok = c.createChannel().queueDeclarePassive(replyTo);
            assertEquals(0, ok.getMessageCount());
            assertEquals(1, ok.getConsumerCount());
            Channel ch = c.createChannel();
            Errors.channelError(404, () -> ch.queueDeclarePassive(replyTo.substring(0, replyTo.length() - 5) + "xxxxx"));
        }
    }

    /**
     * On the channel that deletes a queue, queue.delete-ok comes before the basic.cancel of that channel's consumer, as
     * in RabbitMQ. The other order made oslo.messaging lose RPC casts: kombu raised on the cancel while it waited for
     * delete-ok (a stopping RPC server deleting its fanout queue), never closed its connection, and the stopped
     * server's consumers on the topic queues took the next cast (seen with python3-oslo.messaging 14.0.3).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void deleteOkComesBeforeTheServerCancelOfTheDeletingChannel(boolean durable) throws Exception {
        try (java.net.Socket s = RawClient.handshake(node.port(), 0, Map.of("consumer_cancel_notify", true))) {
            RawClient.send(s, 1, new io.warren.amqp.method.ChannelMethod.Open(""));
            assertInstanceOf(io.warren.amqp.method.ChannelMethod.OpenOk.class, RawClient.readMethod(s));
            String q = "q-delete-order-" + durable;
            RawClient.send(s, 1, new io.warren.amqp.method.QueueMethod.Declare(0, q, false, durable, false, false, false, Map.of()));
            assertInstanceOf(io.warren.amqp.method.QueueMethod.DeclareOk.class, RawClient.readMethod(s));
            RawClient.send(s, 1, new io.warren.amqp.method.BasicMethod.Consume(0, q, "c1", false, false, false, false, Map.of()));
            assertInstanceOf(io.warren.amqp.method.BasicMethod.ConsumeOk.class, RawClient.readMethod(s));
            RawClient.send(s, 1, new io.warren.amqp.method.QueueMethod.Delete(0, q, false, false, false));
            assertInstanceOf(io.warren.amqp.method.QueueMethod.DeleteOk.class, RawClient.readMethod(s), "delete-ok first");
            var cancel = RawClient.readMethod(s);
            assertInstanceOf(io.warren.amqp.method.BasicMethod.Cancel.class, cancel, "then the consumer's cancel");
            assertEquals("c1", ((io.warren.amqp.method.BasicMethod.Cancel) cancel).consumerTag());
        }
    }
}
