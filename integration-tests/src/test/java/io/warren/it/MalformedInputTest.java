package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Broken peers on raw sockets against a real node, while a well-behaved Java client keeps publishing and
 * consuming on the same node: each bad connection is closed with its code, nothing else is disturbed.
 */
class MalformedInputTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    /** After a raw handshake, sends {@code bytes} and returns the reply code of the connection.close that follows. */
    private static int closeCodeAfter(byte[] bytes) throws Exception {
        try (Socket s = RawClient.handshake(node.port(), 0)) {
            s.getOutputStream().write(bytes);
            InputStream in = s.getInputStream();
            while (true) {
                byte[] p = RawClient.readFrame(in);
                if (p == null) return -1;
                if (p.length >= 6 && p[1] == 10 && p[3] == 50) return ((p[4] & 0xff) << 8) | (p[5] & 0xff);
            }
        }
    }

    private static final byte[] CHANNEL_OPEN = {0, 20, 0, 10, 0};

    @Test
    void eachMalformedInputGetsItsCodeAndOthersCarryOn() throws Exception {
        try (Connection good = node.connect(); Channel ch = good.createChannel()) {
            ch.queueDeclare("bystander", true, false, false, null);
            ch.confirmSelect();
            int sent = 0;
            Object[][] cases = {
                    {"bad frame end", RawClient.frame(1, 1, CHANNEL_OPEN, 0x00), 501},
                    {"unknown frame type", RawClient.frame(9, 1, CHANNEL_OPEN, 0xCE), 501},
                    {"frame larger than frame_max", new byte[]{1, 0, 1, 0x7f, 0, 0, 0}, 501},
                    {"unknown class", RawClient.frame(1, 1, new byte[]{0, 77, 0, 10}, 0xCE), 503},
                    {"unknown method", RawClient.frame(1, 1, new byte[]{0, 20, 0, 99}, 0xCE), 503},
                    {"truncated arguments", RawClient.frame(1, 1, new byte[]{0, 50, 0, 10, 0}, 0xCE), 502},
                    {"corrupt field table", RawClient.frame(1, 1, new byte[]{0, 50, 0, 10, 0, 0, 1, 'q', 0, (byte) 0xff, 0, 0, 9}, 0xCE), 502},
                    {"content header without method", RawClient.frame(2, 1, new byte[]{0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, 0xCE), 504},
                    {"method on a channel not open", RawClient.frame(1, 7, new byte[]{0, 60, 0, 10, 0, 0, 0, 0, 0, 1, 0}, 0xCE), 504},
            };
            for (Object[] c : cases) {
                assertEquals((int) c[2], closeCodeAfter((byte[]) c[1]), (String) c[0]);
                ch.basicPublish("", "bystander", null, new byte[]{(byte) sent++});
                ch.waitForConfirmsOrDie(10_000);
            }
            // content header on an open channel with no publish before it
            byte[] open = RawClient.frame(1, 1, CHANNEL_OPEN, 0xCE);
            byte[] header = RawClient.frame(2, 1, new byte[]{0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, 0xCE);
            byte[] both = new byte[open.length + header.length];
            System.arraycopy(open, 0, both, 0, open.length);
            System.arraycopy(header, 0, both, open.length, header.length);
            assertEquals(505, closeCodeAfter(both), "content without a method");
            assertEquals(sent, ch.queueDeclarePassive("bystander").getMessageCount(), "the good client lost nothing");
            assertTrue(good.isOpen());
        }
    }

    @Test
    void randomGarbageNeverTakesTheNodeDown() throws Exception {
        Random rnd = new Random(Long.getLong("seed", 42L));
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(junk);
            if (rnd.nextBoolean()) junk[0] = (byte) (1 + rnd.nextInt(3)); // look like a frame type
            try (Socket s = RawClient.handshake(node.port(), 0)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(junk);
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                while (in.read() >= 0) { } // the server closes: by close frame or socket
            } catch (java.net.SocketException e) {
                // reset by the server is fine
            }
        }
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare();
        }
    }
}
