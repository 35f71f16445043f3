package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Every basic property, every field type the Java client sends, and bodies from 0 bytes to the maximum. */
class PropertiesTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception {
        node = new TestNode();
        node.config.maxMessageSize = 8L << 20; // small enough to test the limit quickly
        node.start();
    }

    @AfterAll static void down() throws Exception { node.close(); }

    private static Map<String, Object> allFieldTypes() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("inner", "value");
        nested.put("deeper", Map.of("n", 1));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("string", "héllo");
        h.put("int", 42);
        h.put("long", 1L << 40);
        h.put("short", (short) 7);
        h.put("byte", (byte) -3);
        h.put("bool", true);
        h.put("float", 1.5f);
        h.put("double", 2.25d);
        h.put("decimal", new BigDecimal("123.45"));
        h.put("timestamp", new Date(1_700_000_000_000L));
        h.put("bytes", new byte[]{0, 1, 2, (byte) 255});
        h.put("array", List.of(1, "two", List.of(3L), Map.of("k", "v")));
        h.put("table", nested);
        h.put("void", null);
        return h;
    }

    private static AMQP.BasicProperties allProperties() {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json").contentEncoding("gzip").headers(allFieldTypes())
                .deliveryMode(2).priority(5).correlationId("corr-1").replyTo("reply-queue").expiration("60000")
                .messageId("msg-1").timestamp(new Date(1_700_000_000_000L)).type("order.created").userId("guest")
                .appId("tests").clusterId("cluster-x").build();
    }

    private static void assertSameHeaders(Map<String, Object> sent, Map<String, Object> got) {
        assertEquals(sent.keySet(), got.keySet());
        for (String k : sent.keySet()) assertFieldEquals(k, sent.get(k), got.get(k));
    }

    @SuppressWarnings("unchecked")
    private static void assertFieldEquals(String k, Object sent, Object got) {
        if (sent instanceof String s) assertEquals(s, got.toString(), k);
        else if (sent instanceof byte[] b) assertArrayEquals(b, (byte[]) got, k);
        else if (sent instanceof List<?> l) {
            List<Object> g = (List<Object>) got;
            assertEquals(l.size(), g.size(), k);
            for (int i = 0; i < l.size(); i++) assertFieldEquals(k + "[" + i + "]", l.get(i), g.get(i));
        } else if (sent instanceof Map<?, ?> m) {
            Map<String, Object> g = (Map<String, Object>) got;
            assertEquals(m.keySet(), g.keySet(), k);
            for (Object kk : m.keySet()) assertFieldEquals(k + "." + kk, m.get(kk), g.get(kk));
        } else if (got instanceof LongString ls) assertEquals(sent.toString(), ls.toString(), k);
        else assertEquals(sent, got, k);
    }

    @Test
    void allFourteenPropertiesAndEveryFieldTypeRoundTrip() throws Exception {
        for (boolean quorum : new boolean[]{true, false}) {
            try (Connection c = node.connect(); Channel ch = c.createChannel()) {
                String q = "props-" + quorum;
                ch.queueDeclare(q, quorum, false, false, Map.of("x-queue-type", quorum ? "quorum" : "classic"));
                ch.confirmSelect();
                AMQP.BasicProperties sent = allProperties();
                ch.basicPublish("", q, sent, "body".getBytes());
                ch.waitForConfirmsOrDie(10_000);
                GetResponse r = ch.basicGet(q, true);
                AMQP.BasicProperties got = r.getProps();
                assertEquals(sent.getContentType(), got.getContentType());
                assertEquals(sent.getContentEncoding(), got.getContentEncoding());
                assertEquals(sent.getDeliveryMode(), got.getDeliveryMode());
                assertEquals(sent.getPriority(), got.getPriority());
                assertEquals(sent.getCorrelationId(), got.getCorrelationId());
                assertEquals(sent.getReplyTo(), got.getReplyTo());
                assertEquals(sent.getExpiration(), got.getExpiration());
                assertEquals(sent.getMessageId(), got.getMessageId());
                assertEquals(sent.getTimestamp(), got.getTimestamp());
                assertEquals(sent.getType(), got.getType());
                assertEquals(sent.getUserId(), got.getUserId());
                assertEquals(sent.getAppId(), got.getAppId());
                assertEquals(sent.getClusterId(), got.getClusterId());
                assertSameHeaders(sent.getHeaders(), got.getHeaders());
            }
        }
    }

    @Test
    void bodiesOfEverySizeUpToTheMaximum() throws Exception {
        Random rnd = new Random(1);
        int frameMax = 131072;
        int[] sizes = {0, 1, frameMax - 9, frameMax - 8, frameMax - 7, 3 * frameMax, 1 << 20, (8 << 20)};
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("bodies", true, false, false, null);
            ch.confirmSelect();
            for (int size : sizes) {
                byte[] body = new byte[size];
                rnd.nextBytes(body);
                ch.basicPublish("", "bodies", null, body);
                ch.waitForConfirmsOrDie(30_000);
                GetResponse r = ch.basicGet("bodies", true);
                assertNotNull(r, "size " + size);
                assertTrue(Arrays.equals(body, r.getBody()), "body of " + size + " bytes came back different");
            }
        }
    }

    @Test
    void bodyLargerThanTheMaximumIs406() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.basicPublish("", "bodies-too-big", null, new byte[(8 << 20) + 1]);
            String t = Errors.channelError(406, () -> ch.queueDeclare());
            assertTrue(t.contains("larger than configured max size"), t);
            assertTrue(c.isOpen());
            Channel ok = c.createChannel();
            ok.queueDeclare(); // the connection still works
        }
    }

    @Test
    void userIdMustMatchTheLogin() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.basicPublish("amq.direct", "x", new AMQP.BasicProperties.Builder().userId("mallory").build(), new byte[0]);
            String t = Errors.channelError(406, () -> ch.queueDeclare());
            assertTrue(t.contains("user_id property set to 'mallory' but authenticated user was 'guest'"), t);
        }
    }
}
