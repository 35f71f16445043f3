package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A million confirmed messages backlogged across queues led by different nodes; kill -9 of all three node
 * processes; after the restart every confirmed message is there, once. Slow: run with -Pslow.
 */
@Tag("slow")
class BacklogRestartTest {
    static final int QUEUES = 4;
    static final int PER_QUEUE = Integer.getInteger("backlog.perQueue", 250_000);

    @Test
    void aMillionConfirmedMessagesSurviveKillingEveryNode() throws Exception {
        try (ProcessClusterTest.Cluster cluster = new ProcessClusterTest.Cluster(3).start()) {
            List<Thread> publishers = new ArrayList<>();
            AtomicInteger failures = new AtomicInteger();
            for (int q = 0; q < QUEUES; q++) {
                NodeProcess home = cluster.nodes.get(q % 3); // leaders on every node (client-local)
                String queue = "backlog-" + q;
                try (Connection c = home.factory().newConnection(); Channel ch = c.createChannel()) {
                    ch.queueDeclare(queue, true, false, false, null);
                }
                Thread t = new Thread(() -> {
                    try (Connection c = home.factory().newConnection(); Channel ch = c.createChannel()) {
                        ch.confirmSelect();
                        for (int i = 0; i < PER_QUEUE; i++) {
                            ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, ByteBuffer.allocate(100).putInt(i).array());
                            if (i % 1000 == 999) ch.waitForConfirmsOrDie(120_000);
                        }
                        ch.waitForConfirmsOrDie(120_000);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        e.printStackTrace();
                    }
                });
                publishers.add(t);
            }
            long t0 = System.currentTimeMillis();
            publishers.forEach(Thread::start);
            for (Thread t : publishers) t.join();
            assertEquals(0, failures.get(), "every publish confirmed");
            long published = System.currentTimeMillis() - t0;
            for (NodeProcess p : cluster.nodes) p.kill9();
            long t1 = System.currentTimeMillis();
            for (NodeProcess p : cluster.nodes) p.launch();
            for (NodeProcess p : cluster.nodes) p.awaitUp();
            long restarted = System.currentTimeMillis() - t1;
            long t2 = System.currentTimeMillis();
            for (int q = 0; q < QUEUES; q++) {
                String queue = "backlog-" + q;
                BitSet seen = new BitSet(PER_QUEUE);
                AtomicInteger dups = new AtomicInteger();
                try (Connection c = cluster.nodes.get((q + 1) % 3).factory().newConnection()) {
                    Channel ch = c.createChannel();
                    long deadline = System.currentTimeMillis() + 120_000;
                    int count = -1;
                    while (System.currentTimeMillis() < deadline) {
                        try {
                            count = ch.queueDeclarePassive(queue).getMessageCount();
                            if (count >= PER_QUEUE) break;
                        } catch (Exception e) {
                            ch = c.createChannel();
                        }
                        Thread.sleep(500);
                    }
                    assertEquals(PER_QUEUE, count, queue + " after kill -9 of every node");
                    java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
                    ch.basicQos(2000);
                    Channel consumeCh = ch;
                    ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                        int n;

                        @Override public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                            int i = ByteBuffer.wrap(body).getInt();
                            if (seen.get(i)) dups.incrementAndGet();
                            seen.set(i);
                            if (++n % 500 == 0 || seen.cardinality() == PER_QUEUE) consumeCh.basicAck(e.getDeliveryTag(), true);
                            if (seen.cardinality() == PER_QUEUE) all.countDown();
                        }
                    });
                    assertTrue(all.await(10, TimeUnit.MINUTES), queue + ": consumed " + seen.cardinality());
                }
                assertEquals(PER_QUEUE, seen.cardinality(), queue);
                System.out.printf("%s: %d messages back after kill -9 of all nodes, %d duplicates%n", queue, PER_QUEUE, dups.get());
            }
            System.out.printf("backlog of %d: published in %d ms, restart of all nodes %d ms, drained in %d ms%n",
                    QUEUES * PER_QUEUE, published, restarted, System.currentTimeMillis() - t2);
        }
    }
}
