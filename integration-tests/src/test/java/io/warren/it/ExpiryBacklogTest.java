package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A million confirmed messages with a queue TTL on a three-node quorum queue, then nothing but time: all of them
 * expire, head first, without a scan of the queue (each expiry pass takes what is due at the head). Prints how long
 * publishing and expiring took. Slow: run with -Pslow.
 */
@Tag("slow")
class ExpiryBacklogTest {
    static final int MESSAGES = Integer.getInteger("expiry.messages", 1_000_000);

    @Test
    void aMillionMessagesExpire() throws Exception {
        try (TestCluster cluster = new TestCluster(3).start()) {
            long ttl = 20_000;
            try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("expiry-backlog", true, false, false, Map.of("x-queue-type", "quorum", "x-message-ttl", ttl));
                ch.confirmSelect();
                byte[] body = new byte[64];
                long t0 = System.currentTimeMillis();
                for (int i = 0; i < MESSAGES; i++) {
                    ch.basicPublish("", "expiry-backlog", null, body);
                    if (i % 2000 == 1999) ch.waitForConfirmsOrDie(120_000);
                }
                ch.waitForConfirmsOrDie(120_000);
                long published = System.currentTimeMillis();
                long lastExpiry = published + ttl; // the last message expires then at the latest
                long deadline = lastExpiry + 300_000;
                long count;
                while ((count = ch.queueDeclarePassive("expiry-backlog").getMessageCount()) > 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                long done = System.currentTimeMillis();
                System.out.printf("expiry backlog: %d messages published in %d ms; the last expired %d ms after its TTL was up "
                        + "(first TTL up %d ms after the first publish)%n", MESSAGES, published - t0, done - lastExpiry, ttl);
                assertEquals(0, count, "every message expired");
            }
        }
    }
}
