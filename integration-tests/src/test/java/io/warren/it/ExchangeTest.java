package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** exchange.* and routing with the real Java client. */
class ExchangeTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception { node = new TestNode().start(); }

    @AfterAll static void down() throws Exception { node.close(); }

    /** Publishes with confirms and returns the bodies each queue got (drained with basic.get). */
    private static List<String> drain(Channel ch, String q) throws Exception {
        List<String> l = new ArrayList<>();
        for (GetResponse r; (r = ch.basicGet(q, true)) != null; ) l.add(new String(r.getBody()));
        return l;
    }

    private static void publish(Channel ch, String x, String key, String body, Map<String, Object> headers) throws Exception {
        ch.basicPublish(x, key, new AMQP.BasicProperties.Builder().headers(headers).build(), body.getBytes());
        ch.waitForConfirmsOrDie(10_000);
    }

    private static String queue(Channel ch) throws Exception { return ch.queueDeclare().getQueue(); }

    @Test
    void builtInExchangesExist() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            for (String x : List.of("amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match")) ch.exchangeDeclarePassive(x);
        }
    }

    @Test
    void directFanoutTopicRouting() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.exchangeDeclare("x-topic", "topic");
            String a = queue(ch), b = queue(ch), d = queue(ch);
            ch.queueBind(a, "x-topic", "stock.*.nyse");
            ch.queueBind(b, "x-topic", "stock.#");
            ch.queueBind(d, "x-topic", "#.eur");
            publish(ch, "x-topic", "stock.ibm.nyse", "1", null);
            publish(ch, "x-topic", "stock.ibm.lse.eur", "2", null);
            publish(ch, "x-topic", "stock", "3", null);
            publish(ch, "x-topic", "bond.eur", "4", null);
            assertEquals(List.of("1"), drain(ch, a));
            assertEquals(List.of("1", "2", "3"), drain(ch, b));
            assertEquals(List.of("2", "4"), drain(ch, d));

            ch.exchangeDeclare("x-fan", "fanout");
            String f1 = queue(ch), f2 = queue(ch);
            ch.queueBind(f1, "x-fan", "");
            ch.queueBind(f2, "x-fan", "ignored");
            publish(ch, "x-fan", "anything", "f", null);
            assertEquals(List.of("f"), drain(ch, f1));
            assertEquals(List.of("f"), drain(ch, f2));

            ch.exchangeDeclare("x-dir", "direct", true);
            String d1 = queue(ch);
            ch.queueBind(d1, "x-dir", "red");
            publish(ch, "x-dir", "red", "r", null);
            publish(ch, "x-dir", "blue", "b", null);
            assertEquals(List.of("r"), drain(ch, d1));
        }
    }

    @Test
    void headersExchangeAllAnyAndWithX() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.exchangeDeclare("x-hdr", "headers");
            String all = queue(ch), any = queue(ch), allX = queue(ch);
            ch.queueBind(all, "x-hdr", "", Map.of("x-match", "all", "format", "pdf", "type", "report"));
            ch.queueBind(any, "x-hdr", "", Map.of("x-match", "any", "format", "pdf", "type", "log"));
            ch.queueBind(allX, "x-hdr", "", Map.of("x-match", "all-with-x", "x-tenant", "t1"));
            publish(ch, "x-hdr", "", "pdf-report", Map.of("format", "pdf", "type", "report"));
            publish(ch, "x-hdr", "", "pdf-only", Map.of("format", "pdf"));
            publish(ch, "x-hdr", "", "log", Map.of("type", "log"));
            publish(ch, "x-hdr", "", "tenant", Map.of("x-tenant", "t1"));
            assertEquals(List.of("pdf-report"), drain(ch, all));
            assertEquals(List.of("pdf-report", "pdf-only", "log"), drain(ch, any));
            assertEquals(List.of("tenant"), drain(ch, allX));
        }
    }

    @Test
    void exchangeToExchangeBindingsAndUnbind() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.exchangeDeclare("e2e-src", "topic");
            ch.exchangeDeclare("e2e-dst", "fanout");
            String q = queue(ch);
            ch.queueBind(q, "e2e-dst", "");
            ch.exchangeBind("e2e-dst", "e2e-src", "a.#");
            publish(ch, "e2e-src", "a.b", "via", null);
            publish(ch, "e2e-src", "z", "not", null);
            assertEquals(List.of("via"), drain(ch, q));
            ch.exchangeUnbind("e2e-dst", "e2e-src", "a.#");
            publish(ch, "e2e-src", "a.b", "after-unbind", null);
            assertEquals(List.of(), drain(ch, q));
        }
    }

    @Test
    void alternateExchangeTakesWhatCannotBeRouted() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.exchangeDeclare("ae-target", "fanout");
            String unrouted = queue(ch);
            ch.queueBind(unrouted, "ae-target", "");
            ch.exchangeDeclare("with-ae", "direct", false, false, Map.of("alternate-exchange", "ae-target"));
            String routed = queue(ch);
            ch.queueBind(routed, "with-ae", "known");
            publish(ch, "with-ae", "known", "k", null);
            publish(ch, "with-ae", "unknown", "u", null);
            assertEquals(List.of("k"), drain(ch, routed));
            assertEquals(List.of("u"), drain(ch, unrouted));
        }
    }

    @Test
    void passiveMissingIs404AndReservedIs403() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            assertEquals("NOT_FOUND - no exchange 'nope' in vhost '/'", Errors.channelError(404, () -> ch.exchangeDeclarePassive("nope")));
            Channel ch2 = c.createChannel();
            String t = Errors.channelError(403, () -> ch2.exchangeDeclare("amq.custom", "direct"));
            assertEquals("ACCESS_REFUSED - exchange name 'amq.custom' contains reserved prefix 'amq.*'", t);
            Channel ch3 = c.createChannel();
            Errors.channelError(403, () -> ch3.exchangeDelete("amq.direct"));
        }
    }

    @Test
    void inequivalentRedeclareIs406() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare("x-eq", "direct", true);
            String t = Errors.channelError(406, () -> ch.exchangeDeclare("x-eq", "fanout", true));
            assertTrue(t.contains("inequivalent arg 'type' for exchange 'x-eq' in vhost '/'"), t);
            Channel ch2 = c.createChannel();
            String t2 = Errors.channelError(406, () -> ch2.exchangeDeclare("x-eq", "direct", false));
            assertTrue(t2.contains("'durable'"), t2);
        }
    }

    @Test
    void unknownExchangeTypeIsCommandInvalid() throws Exception {
        Connection c = node.connect();
        Channel ch = c.createChannel();
        String t = Errors.connectionError(503, () -> ch.exchangeDeclare("x-weird", "x-delayed-message"));
        assertTrue(t.contains("invalid exchange type 'x-delayed-message'"), t);
        assertFalse(c.isOpen());
    }

    @Test
    void deleteIfUnusedAndAutoDelete() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare("x-used", "direct");
            String q = queue(ch);
            ch.queueBind(q, "x-used", "k");
            String t = Errors.channelError(406, () -> ch.exchangeDelete("x-used", true));
            assertTrue(t.contains("in use"), t);
            Channel ch2 = c.createChannel();
            ch2.exchangeDelete("x-used");
            Errors.channelError(404, () -> ch2.exchangeDeclarePassive("x-used"));

            Channel ch3 = c.createChannel();
            ch3.exchangeDeclare("x-auto", "direct", false, true, null);
            String q2 = queue(ch3);
            ch3.queueBind(q2, "x-auto", "k");
            ch3.exchangeDeclarePassive("x-auto");
            ch3.queueUnbind(q2, "x-auto", "k");
            Errors.channelError(404, () -> ch3.exchangeDeclarePassive("x-auto"));
        }
    }

    @Test
    void publishingToInternalOrMissingExchangeClosesTheChannel() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare("x-internal", "fanout", false, false, true, null);
            ch.basicPublish("x-internal", "", null, new byte[0]);
            String t = Errors.channelError(403, () -> ch.queueDeclare()); // the next sync call sees the close
            assertTrue(t.contains("cannot publish to internal exchange 'x-internal'"), t);
            Channel ch2 = c.createChannel();
            ch2.basicPublish("no-exchange", "", null, new byte[0]);
            Errors.channelError(404, () -> ch2.queueDeclare());
        }
    }

    @Test
    void ccAndBccHeadersAddRoutingKeys() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            String a = queue(ch), b = queue(ch);
            Map<String, Object> h = new HashMap<>();
            h.put("CC", List.of(b));
            publish(ch, "", a, "cc", h);
            assertEquals(List.of("cc"), drain(ch, a));
            assertEquals(List.of("cc"), drain(ch, b));
        }
    }

    /** A void binding value means "the header is there": x-match all needs h3 present, whatever its value. */
    @Test
    void headersBindingWithAVoidValueNeedsTheHeader() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            String all = queue(ch), any = queue(ch);
            Map<String, Object> spec = new HashMap<>();
            spec.put("h1", "12345");
            spec.put("h3", null);
            spec.put("x-match", "all");
            ch.queueBind(all, "amq.match", "", spec);
            spec.put("x-match", "any");
            ch.queueBind(any, "amq.match", "", spec);
            Map<String, Object> without = new HashMap<>(Map.of("h1", "12345"));
            Map<String, Object> with = new HashMap<>(without);
            with.put("h3", "anything");
            Map<String, Object> onlyH3 = new HashMap<>();
            onlyH3.put("h3", null);
            publish(ch, "amq.match", "", "without-h3", without);
            publish(ch, "amq.match", "", "with-h3", with);
            publish(ch, "amq.match", "", "only-h3", onlyH3);
            assertEquals(List.of("with-h3"), drain(ch, all));
            assertEquals(List.of("without-h3", "with-h3", "only-h3"), drain(ch, any));
        }
    }

    @Test
    void invalidXMatchIsRefused() throws Exception {
        try (Connection c = node.connect()) {
            String q = queue(c.createChannel());
            Channel ch = c.createChannel();
            String t = Errors.channelError(406, () -> ch.queueBind(q, "amq.headers", "", Map.of("x-match", 23)));
            assertTrue(t.contains("Invalid x-match field type signedint"), t);
            Channel ch2 = c.createChannel();
            t = Errors.channelError(406, () -> ch2.queueBind(q, "amq.headers", "", Map.of("x-match", "all or any")));
            assertTrue(t.contains("expected all, any, all-with-x, or any-with-x"), t);
            c.createChannel().queueBind(q, "amq.headers", "", Map.of("x-match", "any-with-x"));
        }
    }

    /** BCC routes but is not delivered; CC is; a CC that is not an array is refused with 406. */
    @Test
    void bccIsRemovedAndAnInvalidCcRefused() throws Exception {
        try (Connection c = node.connect()) {
            Channel ch = c.createChannel();
            String a = queue(ch), b = queue(ch);
            Map<String, Object> h = new HashMap<>();
            h.put("BCC", List.of(b));
            h.put("CC", List.of(a, 7)); // a non-string entry is ignored
            ch.basicPublish("", a, new com.rabbitmq.client.AMQP.BasicProperties.Builder().headers(h).build(), "m".getBytes());
            for (String q : List.of(a, b)) {
                Map<String, Object> got = ch.basicGet(q, true).getProps().getHeaders();
                assertTrue(got.containsKey("CC"), q);
                assertFalse(got.containsKey("BCC"), q + ": BCC must not be delivered");
            }
            assertNull(ch.basicGet(a, true), "routed once to a, though named twice");
            String t = Errors.channelError(406, () -> {
                ch.basicPublish("", a, new com.rabbitmq.client.AMQP.BasicProperties.Builder().headers(Map.of("CC", 0)).build(), new byte[0]);
                ch.basicGet(a, true);
            });
            assertTrue(t.contains("CC"), t);
        }
    }

    /** As RabbitMQ: line feeds and carriage returns go from declared and deleted exchange names; unbinding what is not there succeeds. */
    @Test
    void lineFeedsAreStrippedAndMissingUnbindsSucceed() throws Exception {
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("lf\r\n-x\n", "direct", false, true, null);
            ch.exchangeDeclarePassive("lf-x");
            String q = queue(ch);
            ch.queueUnbind(q, "lf-x", "never-bound");
            ch.queueUnbind("no-such-queue", "lf-x", "k");
            ch.queueUnbind(q, "no-such-exchange", "k");
            ch.exchangeUnbind("no-such-dest", "lf-x", "k");
            ch.exchangeDelete("lf-x\n");
            Channel ch2 = c.createChannel();
            Errors.channelError(404, () -> ch2.exchangeDeclarePassive("lf-x"));
        }
    }
}
