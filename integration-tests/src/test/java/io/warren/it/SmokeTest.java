package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    @Test
    void publishConfirmAndGet() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("smoke", true, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 10; i++) ch.basicPublish("", "smoke", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(10_000);
            for (int i = 0; i < 10; i++) {
                GetResponse r = ch.basicGet("smoke", true);
                assertNotNull(r, "message " + i);
                assertEquals("m" + i, new String(r.getBody(), StandardCharsets.UTF_8));
            }
            assertNull(ch.basicGet("smoke", true));
        }
    }
}
