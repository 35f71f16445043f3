package io.warren.it;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** connection.* and channel.* with the real Java client and raw sockets. */
class ConnectionTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception {
        node = new TestNode();
        node.config.handshakeTimeoutMs = 1000;
        node.start();
    }

    @AfterAll static void down() throws Exception { node.close(); }

    @Test
    void serverPropertiesAdvertiseOnlyWhatWorks() throws Exception {
        try (Connection c = node.connect()) {
            Map<String, Object> props = c.getServerProperties();
            assertEquals("Warren", props.get("product").toString());
            assertEquals("3.13.7", props.get("version").toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> caps = (Map<String, Object>) props.get("capabilities");
            assertEquals(Set.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
                    "connection.blocked", "authentication_failure_close", "per_consumer_qos", "direct_reply_to", "consumer_priorities"),
                    caps.keySet());
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        ConnectionFactory f = node.factory();
        f.setPassword("not-the-password");
        assertThrows(AuthenticationFailureException.class, f::newConnection);
        ConnectionFactory g = node.factory();
        g.setUsername("nobody");
        assertThrows(AuthenticationFailureException.class, g::newConnection);
    }

    @Test
    void amqplainWorks() throws Exception {
        ConnectionFactory f = node.factory();
        f.setSaslConfig(new SaslConfig() {
            @Override public SaslMechanism getSaslMechanism(String[] mechanisms) {
                return new SaslMechanism() {
                    @Override public String getName() { return "AMQPLAIN"; }

                    @Override public LongString handleChallenge(LongString challenge, String user, String pass) {
                        try {
                            ByteArrayOutputStream b = new ByteArrayOutputStream();
                            DataOutputStream out = new DataOutputStream(b);
                            for (String[] kv : new String[][]{{"LOGIN", user}, {"PASSWORD", pass}}) {
                                out.writeByte(kv[0].length());
                                out.writeBytes(kv[0]);
                                out.writeByte('S');
                                byte[] v = kv[1].getBytes(StandardCharsets.UTF_8);
                                out.writeInt(v.length);
                                out.write(v);
                            }
                            return LongStringHelper.asLongString(b.toByteArray());
                        } catch (java.io.IOException e) {
                            throw new RuntimeException(e);
                        }
                    }
                };
            }
        });
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare();
        }
    }

    @Test
    void unknownVhostIsNotAllowed() {
        ConnectionFactory f = node.factory();
        f.setVirtualHost("/nowhere");
        String t = Errors.connectionError(530, f::newConnection);
        assertTrue(t.contains("vhost /nowhere not found"), t);
    }

    @Test
    void channelMaxIsNegotiatedAndEnforced() throws Exception {
        ConnectionFactory f = node.factory();
        f.setRequestedChannelMax(3);
        try (Connection c = f.newConnection()) {
            assertEquals(3, c.getChannelMax());
            for (int i = 1; i <= 3; i++) assertNotNull(c.createChannel(i));
            assertNull(c.createChannel(), "the client refuses a fourth channel itself");
            // the server side of the limit (a channel number above channel_max is 530) is FrameCodecTest.channelMaxIsEnforced
        }
    }

    @Test
    void heartbeatIsNegotiated() throws Exception {
        ConnectionFactory f = node.factory();
        f.setRequestedHeartbeat(7);
        try (Connection c = f.newConnection()) {
            assertEquals(7, c.getHeartbeat());
        }
    }

    @Test
    void silentPeerIsDroppedAfterMissedHeartbeats() throws Exception {
        try (Socket s = RawClient.handshake(node.port(), 1)) {
            long start = System.currentTimeMillis();
            InputStream in = s.getInputStream();
            int heartbeats = 0;
            while (true) {
                byte[] h = in.readNBytes(8);
                if (h.length < 8) break; // closed by the server
                if (h[0] == 8) heartbeats++;
            }
            long took = System.currentTimeMillis() - start;
            assertTrue(heartbeats >= 1, "the server sends heartbeats");
            assertTrue(took < 10_000, "dropped after " + took + " ms");
        }
    }

    @Test
    void silentSocketIsDroppedAfterTheHandshakeTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.port())) {
            s.setSoTimeout(15_000);
            assertEquals(-1, s.getInputStream().read(), "closed without a word after handshake_timeout");
        }
    }

    @Test
    void clientCloseAndServerCloseOfChannels() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.close();
            assertFalse(ch.isOpen());
            Channel ch2 = c.createChannel();
            Errors.channelError(404, () -> ch2.queueDeclarePassive("missing"));
            assertTrue(c.isOpen());
            Channel ch3 = c.createChannel(ch2.getChannelNumber()); // the number is free again
            assertNotNull(ch3);
        }
    }

    @Test
    void diskAlarmBlocksPublishersAndUnblocks() throws Exception {
        try (Connection c = node.connect()) {
            CountDownLatch blocked = new CountDownLatch(1), unblocked = new CountDownLatch(1);
            c.addBlockedListener(new BlockedListener() {
                @Override public void handleBlocked(String reason) { blocked.countDown(); }

                @Override public void handleUnblocked() { unblocked.countDown(); }
            });
            Channel ch = c.createChannel();
            ch.queueDeclare("alarm-q", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "alarm-q", null, "before-alarm".getBytes());
            ch.waitForConfirmsOrDie(10_000);
            node.node().alarms().setDiskFreeLimit(Long.MAX_VALUE);
            try {
                assertTrue(blocked.await(10, TimeUnit.SECONDS), "connection.blocked");
                Channel consumer = node.connect().createChannel();
                assertEquals("before-alarm", new String(consumer.basicGet("alarm-q", true).getBody()), "consumers keep draining under the alarm");
                ch.basicPublish("", "alarm-q", null, "while-blocked".getBytes());
                Thread.sleep(300);
                assertNull(consumer.basicGet("alarm-q", true), "a blocked publisher's message is held back");
                consumer.getConnection().close();
            } finally {
                node.node().alarms().setDiskFreeLimit(50L << 20);
            }
            assertTrue(unblocked.await(10, TimeUnit.SECONDS), "connection.unblocked");
            ch.waitForConfirmsOrDie(10_000);
            assertEquals("while-blocked", new String(ch.basicGet("alarm-q", true).getBody()), "nothing lost");
        }
    }

    /**
     * A client that does not announce authentication_failure_close gets the socket closed on a bad login, without
     * connection.close (the Java client then reports a possible, not a certain, authentication failure).
     */
    @Test
    void badLoginWithoutTheCapabilityClosesTheSocket() {
        ConnectionFactory f = node.factory();
        f.setPassword("wrong");
        Map<String, Object> props = com.rabbitmq.client.impl.AMQConnection.defaultClientProperties();
        props.remove("capabilities");
        f.setClientProperties(props);
        Exception e = assertThrows(Exception.class, f::newConnection);
        assertInstanceOf(com.rabbitmq.client.PossibleAuthenticationFailureException.class, e, e.toString());
        assertFalse(e instanceof AuthenticationFailureException, "the broker did not say why: " + e);
    }

    /** Before tune, frames are held to 4,096 bytes: client properties larger than that fail the handshake. */
    @Test
    void oversizedHandshakeFramesAreRefused() {
        ConnectionFactory f = node.factory();
        f.getClientProperties().put("too_long", LongStringHelper.asLongString(new byte[4096]));
        assertThrows(java.io.IOException.class, f::newConnection);
    }
}
