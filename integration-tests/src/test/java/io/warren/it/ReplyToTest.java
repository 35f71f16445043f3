package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Direct reply-to, as RPC clients (Spring AMQP, oslo.messaging variants) use it. */
class ReplyToTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    @Test
    void rpcRoundTripThroughAmqRabbitmqReplyTo() throws Exception {
        try (Connection server = node.connect(); Connection client = node.connect()) {
            Channel sch = server.createChannel();
            sch.queueDeclare("rpc-requests", false, false, true, null);
            sch.basicConsume("rpc-requests", true, new DefaultConsumer(sch) {
                @Override
                public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                    assertTrue(p.getReplyTo().startsWith("amq.rabbitmq.reply-to."), p.getReplyTo());
                    AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder().correlationId(p.getCorrelationId()).build();
                    sch.basicPublish("", p.getReplyTo(), reply, ("re:" + new String(body)).getBytes());
                }
            });
            Channel cch = client.createChannel();
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            cch.basicConsume("amq.rabbitmq.reply-to", true, new DefaultConsumer(cch) {
                @Override
                public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] body) {
                    replies.add(p.getCorrelationId() + "/" + new String(body));
                }
            });
            for (int i = 0; i < 3; i++) {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").correlationId("c" + i).build();
                cch.basicPublish("", "rpc-requests", props, ("q" + i).getBytes());
                assertEquals("c" + i + "/re:q" + i, replies.poll(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void replyToWithoutAReplyConsumerIs406() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.basicPublish("", "anything", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build(), new byte[0]);
            String t = Errors.channelError(406, () -> ch.queueDeclare());
            assertTrue(t.contains("fast reply consumer does not exist"), t);
        }
    }

    @Test
    void replyConsumerMustBeNoAck() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            Errors.channelError(406, () -> ch.basicConsume("amq.rabbitmq.reply-to", false, new DefaultConsumer(ch)));
        }
    }
}
