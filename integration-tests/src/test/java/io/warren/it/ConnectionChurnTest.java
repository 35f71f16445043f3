package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Connection churn as OpenStack services make it: 2,000 clients, each with two channels (one consuming its own
 * server-named reply queue, one publishing an RPC request with reply_to), for a minute each client closes its
 * connection after its answer and opens a new one. Afterwards nothing is left behind — connections, channels,
 * queues, consumers, queue engines, heap — and a fresh client is served at once. Tagged slow (about 2 minutes).
 */
@Tag("slow")
class ConnectionChurnTest {
    static final int CLIENTS = 2_000;
    static final long CHURN_MS = 60_000;

    @Test
    void twoThousandClientsComingAndGoingLeaveNothingBehind() throws Exception {
        try (TestNode node = new TestNode().start()) {
            ConnectionFactory f = node.factory();
            f.useNio();
            ExecutorService dispatch = Executors.newFixedThreadPool(4);
            f.setSharedExecutor(dispatch);
            Connection server = f.newConnection();
            Channel sch = server.createChannel();
            sch.queueDeclare("churn-rpc", false, false, false, null);
            sch.basicConsume("churn-rpc", true, new DefaultConsumer(sch) { // the RPC server: answers to reply_to
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) throws IOException {
                    getChannel().basicPublish("", p.getReplyTo(), new AMQP.BasicProperties.Builder().correlationId(p.getCorrelationId()).build(), body);
                }
            });
            var broker = node.node().broker();
            int queuesBefore = broker.state().allQueues().size();
            System.gc();
            long heapBefore = usedHeap();

            AtomicLong rounds = new AtomicLong();
            ExecutorService workers = Executors.newFixedThreadPool(32);
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) clients.add(new Client(f, i));
            BlockingQueue<Client> ready = new ArrayBlockingQueue<>(CLIENTS, false, clients);
            long end = System.currentTimeMillis() + CHURN_MS;
            List<Future<?>> runs = new ArrayList<>();
            for (int w = 0; w < 32; w++) {
                runs.add(workers.submit(() -> {
                    for (Client c; System.currentTimeMillis() < end && (c = ready.poll(1, TimeUnit.SECONDS)) != null; ) {
                        c.round(); // open if needed, ask, get the answer, close
                        rounds.incrementAndGet();
                        ready.add(c);
                    }
                    return null;
                }));
            }
            for (Future<?> r : runs) r.get(CHURN_MS + 120_000, TimeUnit.MILLISECONDS);
            int openAtTheEnd = node.node().connections().connections();
            List<Future<?>> closing = new ArrayList<>();
            for (Client c : clients) closing.add(workers.submit(() -> { c.close(); return null; }));
            for (Future<?> c : closing) c.get(120, TimeUnit.SECONDS);
            workers.shutdownNow();
            System.out.println("connection churn: " + openAtTheEnd + " connections open when the churn stopped");
            System.out.println("connection churn: " + rounds.get() + " client rounds (connect, 2 channels, RPC, close) in "
                    + CHURN_MS / 1000 + " s by " + CLIENTS + " clients");
            assertTrue(rounds.get() >= CLIENTS, "every client came and went at least once: " + rounds.get());

            // nothing left: only the server's connection, its channel, its queue and its one consumer
            long deadline = System.currentTimeMillis() + 30_000;
            while ((node.node().connections().connections() > 1 || broker.state().allQueues().size() > queuesBefore)
                    && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(1, node.node().connections().connections(), "connections left");
            assertEquals(1, node.node().connections().channels(), "channels left");
            assertEquals(queuesBefore, broker.state().allQueues().size(), "queues left");
            int[] served = broker.servedHere();
            assertEquals(queuesBefore, served[0] + served[1], "queue engines left");
            assertEquals(1, sch.queueDeclarePassive("churn-rpc").getConsumerCount(), "consumers left on the RPC queue");

            // a fresh client is served at once
            try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
                String q = ch.queueDeclare().getQueue();
                ch.basicPublish("", q, null, "fresh".getBytes());
                assertEquals("fresh", new String(ch.basicGet(q, true).getBody()));
            }
            server.close();
            dispatch.shutdownNow();
            System.gc();
            long heapAfter = usedHeap();
            System.out.println("connection churn: heap after GC " + (heapBefore >> 20) + " MB before, " + (heapAfter >> 20) + " MB after");
            // What stays is Ratis's: the metadata log's open segment keeps every entry in memory until it rolls (8 MB of
            // log), and its retry cache keeps each request's reply for a minute; measured ~3.5 KB a round (each round
            // is two metadata commands). A connection's own state (its Netty pipeline, channels, consumers, queue engine)
            // left behind would add more than that to every round.
            long perRound = (heapAfter - heapBefore) / rounds.get();
            System.out.println("connection churn: " + perRound + " bytes of heap per round after GC");
            assertTrue(perRound < 8 * 1024, "heap grew by " + perRound + " bytes per client round");
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /**
     * One client: a connection with a reply channel (its own queue, consumed) and a request channel. Each round closes
     * the connection it had and opens a new one, so up to all 2,000 are open at once.
     */
    private static final class Client {
        private final ConnectionFactory f;
        private final int id;
        private long asked;
        private Connection open;

        Client(ConnectionFactory f, int id) { this.f = f; this.id = id; }

        void round() throws Exception {
            close();
            open = f.newConnection("churn-" + id);
            Channel replies = open.createChannel();
            Channel requests = open.createChannel();
            String replyTo = replies.queueDeclare().getQueue();
            BlockingQueue<String> answers = new ArrayBlockingQueue<>(1);
            replies.basicConsume(replyTo, true, new DefaultConsumer(replies) {
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] body) {
                    answers.offer(p.getCorrelationId());
                }
            });
            String correlation = id + "-" + ++asked;
            requests.basicPublish("", "churn-rpc", new AMQP.BasicProperties.Builder().replyTo(replyTo).correlationId(correlation).build(),
                    correlation.getBytes());
            assertEquals(correlation, answers.poll(30, TimeUnit.SECONDS), "client " + id + " got no answer");
        }

        void close() throws IOException {
            if (open != null) open.close();
            open = null;
        }
    }
}
