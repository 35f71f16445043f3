package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Clients that are not broken but hostile: thousands of idle connections, 65,535 channels on one connection, wrong
 * credentials in a loop, very large and very deep field tables. The node stays up, memory comes back, a well-behaved
 * client keeps working. The node runs in this JVM, so heap figures include the test's own (small) share.
 */
class HostileClientTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception {
        node = new TestNode();
        node.config.channelMax = 65535;
        node.start();
    }

    @AfterAll static void down() throws Exception { node.close(); }

    static long heapUsedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(100); }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A publish and a get through a fresh connection: the node still serves others. */
    static void bystanderWorks(String queue) throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", queue, null, "still-here".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            GetResponse r = ch.basicGet(queue, true);
            assertNotNull(r);
            assertEquals("still-here", new String(r.getBody()));
        }
    }

    @Test
    void twoThousandIdleConnections() throws Exception {
        long before = heapUsedAfterGc();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) idle.add(RawClient.handshake(node.port(), 0));
            long held = heapUsedAfterGc();
            bystanderWorks("hostile-idle");
            System.out.printf("2,000 idle connections: heap +%d KB (%d bytes each)%n", (held - before) / 1024, (held - before) / 2_000);
            assertTrue(held - before < 200L << 20, "idle connections cost " + (held - before) / 2_000 + " bytes each");
        } finally {
            for (Socket s : idle) s.close();
        }
        long deadline = System.currentTimeMillis() + 20_000;
        long after;
        while ((after = heapUsedAfterGc()) - before > 16L << 20 && System.currentTimeMillis() < deadline) Thread.sleep(200);
        assertTrue(after - before < 16L << 20, "memory comes back after the connections close: +" + (after - before) / 1024 + " KB");
    }

    @Test
    void sixtyFiveThousandChannelsOnOneConnection() throws Exception {
        long before = heapUsedAfterGc();
        try (Socket s = RawClient.handshake(node.port(), 0)) {
            s.setSoTimeout(60_000);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int ch = 1; ch <= 65_535; ch++) all.write(RawClient.frame(1, ch, new byte[]{0, 20, 0, 10, 0}));
            Thread writer = new Thread(() -> {
                try { s.getOutputStream().write(all.toByteArray()); } catch (Exception e) { /* the reader fails then */ }
            });
            writer.start();
            var in = s.getInputStream();
            for (int ch = 1; ch <= 65_535; ch++) {
                byte[] p = RawClient.readFrame(in);
                assertNotNull(p, "open-ok for channel " + ch);
                assertEquals(11, p[3], "channel.open-ok");
            }
            writer.join();
            long held = heapUsedAfterGc();
            System.out.printf("65,535 open channels: heap +%d KB (%d bytes each)%n", (held - before) / 1024, (held - before) / 65_535);
            bystanderWorks("hostile-channels");
            // every channel number is in use (65,535 is the highest there is): close the whole connection cleanly
            s.getOutputStream().write(RawClient.frame(1, 0, new byte[]{0, 10, 0, 50, 0, (byte) 200, 0, 0, 0, 0, 0}));
            byte[] p;
            while ((p = RawClient.readFrame(in)) != null && !(p[1] == 10 && p[3] == 51)) { }
            assertNotNull(p, "connection.close-ok");
        }
    }

    @Test
    void wrongCredentialsInALoop() throws Exception {
        ConnectionFactory bad = node.factory();
        bad.setPassword("not-the-password");
        long before = heapUsedAfterGc();
        for (int i = 0; i < 300; i++) {
            assertThrows(com.rabbitmq.client.AuthenticationFailureException.class, bad::newConnection, "attempt " + i);
        }
        long after = heapUsedAfterGc();
        assertTrue(after - before < 16L << 20, "refused logins leave nothing behind: +" + (after - before) / 1024 + " KB");
        bystanderWorks("hostile-login");
    }

    @Test
    void tenThousandHeadersCarriedThrough() throws Exception {
        Map<String, Object> headers = new HashMap<>();
        for (int i = 0; i < 10_000; i++) headers.put(String.format("h%05d", i), i);
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("hostile-headers", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "hostile-headers", new AMQP.BasicProperties.Builder().headers(headers).build(), new byte[]{1});
            ch.waitForConfirmsOrDie(10_000);
            GetResponse r = ch.basicGet("hostile-headers", true);
            assertEquals(10_000, r.getProps().getHeaders().size());
            assertEquals(9_999, r.getProps().getHeaders().get("h09999"));
        }
    }

    @Test
    void fieldTablesNestedTooDeeplyAreASyntaxError() throws Exception {
        Map<String, Object> ok = new HashMap<>(), deep = new HashMap<>();
        Map<String, Object> cur = ok;
        for (int i = 0; i < 60; i++) { Map<String, Object> n = new HashMap<>(); cur.put("x-n", n); cur = n; }
        cur = deep;
        for (int i = 0; i < 100; i++) { Map<String, Object> n = new HashMap<>(); cur.put("n", n); cur = n; }
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("hostile-nested", false, false, true, Map.of("x-custom", ok));
        }
        Connection c = node.connect();
        Channel ch = c.createChannel();
        String text = Errors.connectionError(502, () -> ch.queueDeclare("hostile-deep", false, false, true, Map.of("x-custom", deep)));
        assertTrue(text.contains("nested too deeply"), text);
        bystanderWorks("hostile-deep-bystander");
    }
}
