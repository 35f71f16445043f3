package io.warren.it.faults;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Found by the fault matrix (5-node majorities ring): a consumer on one node, its queue led by another, the two cut
 * apart. The consumer's node gives the link stream up and subscribes again; the leader never hears of it (the
 * client's FIN is lost in the partition and nothing else is sent), so its end of the old stream stays registered —
 * a ghost consumer holding a prefetch window of checked-out messages that nobody will ever ack or return. Those
 * confirmed messages were lost to every consumer, and the queue kept reporting a consumer after all clients left.
 */
class PartitionedConsumerTest {
    @Test
    void aConsumerCutOffFromItsQueuesLeaderLeavesNothingBehind() throws Exception {
        try (FaultCluster cluster = new FaultCluster(3, "partitioned-consumer")) {
            FaultNode leader = cluster.node(1), consumerNode = cluster.node(2);
            try (Connection c = leader.factory().newConnection(); Channel ch = c.createChannel()) {
                ch.queueDeclare("pc-q", true, false, false, null); // client-local: led by n1
            }
            Set<Integer> received = ConcurrentHashMap.newKeySet();
            Connection consumer = consumerNode.factory().newConnection();
            Channel cc = consumer.createChannel();
            cc.basicQos(50);
            cc.basicConsume("pc-q", false, new DefaultConsumer(cc) {
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] b) throws java.io.IOException {
                    received.add(ByteBuffer.wrap(b).getInt());
                    getChannel().basicAck(e.getDeliveryTag(), false);
                }
            });
            int published = 0;
            try (Connection pub = leader.factory().newConnection(); Channel pc = pub.createChannel()) {
                pc.confirmSelect();
                for (; published < 200; published++) pc.basicPublish("", "pc-q", MessageProperties.PERSISTENT_BASIC, ByteBuffer.allocate(8).putInt(published).array());
                pc.waitForConfirmsOrDie(30_000);
                cluster.net.partition(List.of(1), List.of(2)); // the consumer's node and the queue's leader cannot talk
                long end = System.currentTimeMillis() + 25_000; // long enough for the consumer's node to give its stream up
                while (System.currentTimeMillis() < end) {
                    pc.basicPublish("", "pc-q", MessageProperties.PERSISTENT_BASIC, ByteBuffer.allocate(8).putInt(published++).array());
                    Thread.sleep(20);
                }
                pc.waitForConfirmsOrDie(30_000);
                cluster.net.heal();
                Thread.sleep(5_000);
                consumer.abort(1_000); // the client leaves
                Set<Integer> drained = ConcurrentHashMap.newKeySet();
                long deadline = System.currentTimeMillis() + 60_000;
                int consumersLeft = -1;
                while (received.size() + drained.size() < published && System.currentTimeMillis() < deadline) {
                    GetResponse r = pc.basicGet("pc-q", true);
                    if (r != null) drained.add(ByteBuffer.wrap(r.getBody()).getInt());
                    else Thread.sleep(200);
                }
                consumersLeft = pc.queueDeclarePassive("pc-q").getConsumerCount();
                Set<Integer> all = new java.util.HashSet<>(received);
                all.addAll(drained);
                assertEquals(published, all.size(), "every confirmed message reached a consumer or the drain ("
                        + received.size() + " consumed, " + drained.size() + " drained)");
                assertEquals(0, consumersLeft, "no consumer is left once the client has gone");
            }
        }
    }
}
