package io.warren.it.ops;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Wrong passwords in a loop, over AMQP and HTTP, do not keep others out: while two threads fail logins as fast as they
 * can, a right password logs in, over AMQP and HTTP, and confirmed publishes go through. The latencies with and without
 * the loop are printed for the record (measured, not asserted: timings belong to benchmarks).
 */
class WrongPasswordLoopTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    /** Logs in, publishes 100 confirmed messages, asks the API once: how long it took, ms. */
    static long goodClient(String queue) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = node.factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 100; i++) ch.basicPublish("", queue, null, "m".getBytes());
            ch.waitForConfirmsOrDie(30_000);
        }
        assertEquals(200, new Api(node.node().managementPort(), "guest", "guest").get("whoami").status());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void othersLogInWhileWrongPasswordsLoop() throws Exception {
        goodClient("wp-warm");
        long quiet = goodClient("wp-quiet");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong amqpFailures = new AtomicLong();
        AtomicLong httpFailures = new AtomicLong();
        List<Thread> loops = new ArrayList<>();
        loops.add(new Thread(() -> {
            var f = node.factory();
            f.setPassword("wrong");
            while (!stop.get()) {
                try {
                    f.newConnection().close();
                    fail("a wrong password logged in");
                } catch (Exception e) {
                    amqpFailures.incrementAndGet();
                }
            }
        }));
        loops.add(new Thread(() -> {
            Api bad = new Api(node.node().managementPort(), "guest", "wrong");
            while (!stop.get()) {
                try {
                    if (bad.get("overview").status() == 401) httpFailures.incrementAndGet();
                } catch (Exception e) {
                    // the loop goes on
                }
            }
        }));
        loops.forEach(Thread::start);
        long busy;
        try {
            Thread.sleep(1_000);
            busy = goodClient("wp-busy");
        } finally {
            stop.set(true);
            for (Thread t : loops) t.join(30_000);
        }
        System.out.printf("WrongPasswordLoopTest: good client %d ms quiet, %d ms during the loop (%d AMQP and %d HTTP failed logins)%n",
                quiet, busy, amqpFailures.get(), httpFailures.get());
        assertTrue(amqpFailures.get() > 0 && httpFailures.get() > 0, "both loops ran");
    }
}
