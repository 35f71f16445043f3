package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.GetResponse;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.port.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The queue features applications configure, with the real Java client against a three-node cluster, on quorum and
 * durable classic queues, through the node that serves the queue and through one that does not: message TTL (queue
 * and per message), dead-lettering and its headers, length limits, the delivery limit, queue expiry, priorities,
 * policies that change existing queues.
 */
class QueueFeaturesTest {
    static TestCluster cluster;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll static void up() throws Exception { cluster = new TestCluster(3).start(); }

    @AfterAll static void down() throws Exception { cluster.close(); }

    static Stream<Arguments> typesAndPaths() {
        return Stream.of(Arguments.of("quorum", false), Arguments.of("quorum", true),
                Arguments.of("classic", false), Arguments.of("classic", true));
    }

    /** A fresh name for this test's queue. */
    static String name(String base, String type) { return base + "-" + type + "-" + SEQ.incrementAndGet(); }

    static Map<String, Object> args(String type, Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("x-queue-type", type);
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** Declares {@code q} on node 0 and returns a connection to the node that serves it ({@code remote} false) or another. */
    static Connection declareAndConnect(String q, Map<String, Object> args, boolean remote) throws Exception {
        try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(q, true, false, false, args);
        }
        int serving = servingNode(q);
        int use = remote ? (serving + 1) % cluster.nodes.size() : serving;
        return cluster.node(use).connect();
    }

    /** The node that serves {@code q} now (its group's leader, or a classic queue's owner). */
    static int servingNode(String q) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (Admin.QueueInfo i : cluster.node(0).node().broker().admin().queues("/").join()) {
                if (i.queue().name().equals(q) && i.leader() != null && !i.leader().isEmpty()) {
                    for (int n = 0; n < cluster.nodes.size(); n++) if (cluster.node(n).config.nodeName.equals(i.leader())) return n;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader for " + q);
    }

    /** A fanout dead-letter exchange with one queue behind it. */
    static void deadLetterTarget(Channel ch, String dlx, String dlq) throws Exception {
        ch.exchangeDeclare(dlx, "fanout", true);
        ch.queueDeclare(dlq, true, false, false, null);
        ch.queueBind(dlq, dlx, "");
    }

    static void publishConfirmed(Channel ch, String q, int n, AMQP.BasicProperties props) throws Exception {
        ch.confirmSelect();
        for (int i = 0; i < n; i++) ch.basicPublish("", q, props, ("m" + i).getBytes());
        assertTrue(ch.waitForConfirms(10_000), "every publish confirmed");
    }

    static GetResponse awaitGet(Channel ch, String q, long ms) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < deadline) {
            GetResponse r = ch.basicGet(q, false);
            if (r != null) return r;
            Thread.sleep(20);
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> firstDeath(GetResponse r) {
        List<Object> deaths = (List<Object>) r.getProps().getHeaders().get("x-death");
        assertNotNull(deaths, "x-death header");
        return (Map<String, Object>) deaths.get(0);
    }

    static String str(Object v) { return v == null ? null : v.toString(); }

    @ParameterizedTest(name = "{0} queue, remote {1}")
    @MethodSource("typesAndPaths")
    void expiredMessagesAreDeadLetteredWithXDeath(String type, boolean remote) throws Exception {
        String q = name("ttl", type), dlx = q + ".dlx", dlq = q + ".dlq";
        try (Connection c = declareAndConnect(q, args(type, "x-message-ttl", 300, "x-dead-letter-exchange", dlx), remote);
             Channel ch = c.createChannel()) {
            deadLetterTarget(ch, dlx, dlq);
            publishConfirmed(ch, q, 3, null);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                GetResponse r = awaitGet(ch, dlq, 5_000);
                assertNotNull(r, "dead-letter " + i);
                got.add(new String(r.getBody()));
                Map<String, Object> d = firstDeath(r);
                assertEquals("expired", str(d.get("reason")));
                assertEquals(q, str(d.get("queue")));
                assertEquals("", str(d.get("exchange")));
                assertEquals(List.of(q), ((List<?>) d.get("routing-keys")).stream().map(Object::toString).toList());
                assertEquals(1L, ((Number) d.get("count")).longValue());
                assertTrue(d.get("time") instanceof Date, "time is a timestamp");
                assertEquals("expired", str(r.getProps().getHeaders().get("x-first-death-reason")));
                assertEquals(q, str(r.getProps().getHeaders().get("x-first-death-queue")));
                assertEquals("", str(r.getProps().getHeaders().get("x-first-death-exchange")));
                ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
            assertEquals(List.of("m0", "m1", "m2"), got, "in order");
            assertNull(ch.basicGet(q, true), "the source is empty");
        }
    }

    @ParameterizedTest(name = "{0} queue, remote {1}")
    @MethodSource("typesAndPaths")
    void perMessageTtlIsNeverDeliveredAndCarriesOriginalExpiration(String type, boolean remote) throws Exception {
        String q = name("msgttl", type), dlx = q + ".dlx", dlq = q + ".dlq";
        try (Connection c = declareAndConnect(q, args(type, "x-dead-letter-exchange", dlx), remote); Channel ch = c.createChannel()) {
            deadLetterTarget(ch, dlx, dlq);
            publishConfirmed(ch, q, 1, new AMQP.BasicProperties.Builder().expiration("150").build());
            publishConfirmed(ch, q, 1, null);
            Thread.sleep(400);
            GetResponse live = ch.basicGet(q, true);
            assertNotNull(live);
            assertEquals("m0", new String(live.getBody()), "the message without a TTL (the expired one was never delivered)");
            assertNull(live.getProps().getExpiration());
            GetResponse dead = awaitGet(ch, dlq, 5_000);
            assertNotNull(dead);
            assertNull(dead.getProps().getExpiration(), "the TTL is taken off a dead-lettered message");
            assertEquals("150", str(firstDeath(dead).get("original-expiration")));
        }
    }

    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"quorum", "classic"})
    void ttlZeroDeliversToAWaitingConsumerOrDrops(String type) throws Exception {
        String q = name("ttl0", type);
        try (Connection c = declareAndConnect(q, args(type, "x-message-ttl", 0), false); Channel ch = c.createChannel()) {
            publishConfirmed(ch, q, 1, null);
            Thread.sleep(50);
            assertNull(ch.basicGet(q, true), "nobody was waiting: dropped");
            java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            Channel cons = c.createChannel();
            cons.basicConsume(q, true, new DefaultConsumer(cons) {
                @Override public void handleDelivery(String t, com.rabbitmq.client.Envelope e, AMQP.BasicProperties p, byte[] b) {
                    got.add(new String(b));
                }
            });
            Thread.sleep(200);
            publishConfirmed(ch, q, 1, null);
            assertEquals("m0", got.poll(5, java.util.concurrent.TimeUnit.SECONDS), "a waiting consumer gets it");
        }
    }

    @Test
    void invalidExpirationIs406() throws Exception {
        try (Connection c = cluster.node(0).connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("exp-bad", false, false, false, null);
            String text = Errors.channelError(406, () -> {
                ch.basicPublish("", "exp-bad", new AMQP.BasicProperties.Builder().expiration("soon").build(), new byte[1]);
                ch.basicQos(1); // a round trip: the close arrives
            });
            assertTrue(text.contains("invalid expiration 'soon'"), text);
            Channel ch2 = c.createChannel();
            String neg = Errors.channelError(406, () -> {
                ch2.basicPublish("", "exp-bad", new AMQP.BasicProperties.Builder().expiration("-5").build(), new byte[1]);
                ch2.basicQos(1);
            });
            assertTrue(neg.contains("invalid expiration '-5'"), neg);
        }
    }

    @ParameterizedTest(name = "{0} queue, remote {1}")
    @MethodSource("typesAndPaths")
    void rejectedMessagesGoToTheDeadLetterRoutingKey(String type, boolean remote) throws Exception {
        String q = name("rej", type), dlx = q + ".dlx", dlq = q + ".dlq";
        try (Connection c = declareAndConnect(q, args(type, "x-dead-letter-exchange", dlx, "x-dead-letter-routing-key", "dead"), remote);
             Channel ch = c.createChannel()) {
            ch.exchangeDeclare(dlx, "direct", true);
            ch.queueDeclare(dlq, true, false, false, null);
            ch.queueBind(dlq, dlx, "dead");
            publishConfirmed(ch, q, 2, null);
            GetResponse a = ch.basicGet(q, false);
            ch.basicReject(a.getEnvelope().getDeliveryTag(), false);
            GetResponse b = ch.basicGet(q, false);
            ch.basicNack(b.getEnvelope().getDeliveryTag(), false, false);
            for (String want : List.of("m0", "m1")) {
                GetResponse r = awaitGet(ch, dlq, 5_000);
                assertNotNull(r, want);
                assertEquals(want, new String(r.getBody()));
                assertEquals("dead", r.getEnvelope().getRoutingKey());
                assertEquals(dlx, r.getEnvelope().getExchange());
                assertEquals("rejected", str(firstDeath(r).get("reason")));
                ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
            assertNull(ch.basicGet(q, true));
        }
    }

    @Test
    void rejectWithoutADeadLetterExchangeDrops() throws Exception {
        try (Connection c = cluster.node(1).connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("rej-drop", true, false, false, null);
            publishConfirmed(ch, "rej-drop", 1, null);
            GetResponse r = ch.basicGet("rej-drop", false);
            ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
            Thread.sleep(100);
            assertEquals(0, ch.queueDeclarePassive("rej-drop").getMessageCount());
        }
    }

    @ParameterizedTest(name = "{0} queue, remote {1}")
    @MethodSource("typesAndPaths")
    void maxLengthDropsTheHeadIntoTheDeadLetterExchange(String type, boolean remote) throws Exception {
        String q = name("maxlen", type), dlx = q + ".dlx", dlq = q + ".dlq";
        try (Connection c = declareAndConnect(q, args(type, "x-max-length", 3, "x-dead-letter-exchange", dlx), remote);
             Channel ch = c.createChannel()) {
            deadLetterTarget(ch, dlx, dlq);
            publishConfirmed(ch, q, 5, null);
            assertEquals(3, ch.queueDeclarePassive(q).getMessageCount());
            for (String want : List.of("m2", "m3", "m4")) assertEquals(want, new String(ch.basicGet(q, true).getBody()));
            for (String want : List.of("m0", "m1")) {
                GetResponse r = awaitGet(ch, dlq, 5_000);
                assertNotNull(r, want);
                assertEquals(want, new String(r.getBody()));
                assertEquals("maxlen", str(firstDeath(r).get("reason")));
                ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
        }
    }

    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"quorum", "classic"})
    void maxLengthBytesCountsBodies(String type) throws Exception {
        String q = name("maxbytes", type);
        try (Connection c = declareAndConnect(q, args(type, "x-max-length-bytes", 25), true); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < 4; i++) ch.basicPublish("", q, null, new byte[10]);
            assertTrue(ch.waitForConfirms(10_000));
            assertEquals(2, ch.queueDeclarePassive(q).getMessageCount(), "two bodies of 10 bytes fit in 25");
        }
    }

    @ParameterizedTest(name = "{0} queue, remote {1}")
    @MethodSource("typesAndPaths")
    void rejectPublishNacksWhatDoesNotFit(String type, boolean remote) throws Exception {
        String q = name("rejpub", type);
        try (Connection c = declareAndConnect(q, args(type, "x-max-length", 2, "x-overflow", "reject-publish"), remote);
             Channel ch = c.createChannel()) {
            ch.confirmSelect();
            List<Boolean> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
            ch.addConfirmListener((tag, multiple) -> outcomes.add(true), (tag, multiple) -> outcomes.add(false));
            for (int i = 0; i < 4; i++) {
                ch.basicPublish("", q, null, ("m" + i).getBytes());
                ch.waitForConfirms(10_000);
            }
            assertEquals(List.of(true, true, false, false), outcomes, "acks for what fits, nacks for the rest");
            assertEquals("m0", new String(ch.basicGet(q, true).getBody()));
            ch.basicPublish("", q, null, "m4".getBytes());
            assertTrue(ch.waitForConfirms(10_000), "room again after a get");
        }
    }

    @ParameterizedTest(name = "remote {0}")
    @ValueSource(booleans = {false, true})
    void deliveryLimitCountsRedeliveriesThenDeadLetters(boolean remote) throws Exception {
        String q = name("dlimit", "quorum"), dlx = q + ".dlx", dlq = q + ".dlq";
        try (Connection c = declareAndConnect(q, args("quorum", "x-delivery-limit", 1, "x-dead-letter-exchange", dlx), remote);
             Channel ch = c.createChannel()) {
            deadLetterTarget(ch, dlx, dlq);
            publishConfirmed(ch, q, 1, null);
            GetResponse first = ch.basicGet(q, false);
            assertFalse(first.getEnvelope().isRedeliver());
            assertTrue(first.getProps().getHeaders() == null || !first.getProps().getHeaders().containsKey("x-delivery-count"),
                    "no x-delivery-count on the first delivery");
            ch.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
            GetResponse second = awaitGet(ch, q, 5_000);
            assertNotNull(second);
            assertTrue(second.getEnvelope().isRedeliver());
            assertEquals(1L, ((Number) second.getProps().getHeaders().get("x-delivery-count")).longValue());
            ch.basicNack(second.getEnvelope().getDeliveryTag(), false, true);
            GetResponse dead = awaitGet(ch, dlq, 5_000);
            assertNotNull(dead, "past the limit: dead-lettered");
            assertEquals("delivery_limit", str(firstDeath(dead).get("reason")));
            assertNull(ch.basicGet(q, true), "and gone from the source");
        }
    }

    @ParameterizedTest(name = "{0} queue, remote {1}")
    @MethodSource("typesAndPaths")
    void unusedQueuesExpireAndAPassiveDeclareRenewsTheLease(String type, boolean remote) throws Exception {
        String q = name("expires", type);
        try (Connection c = declareAndConnect(q, args(type, "x-expires", 1_500), remote); Channel ch = c.createChannel()) {
            for (int i = 0; i < 6; i++) { // 3 s of passive declares every 500 ms: it stays
                Thread.sleep(500);
                ch.queueDeclarePassive(q);
            }
            long deadline = System.currentTimeMillis() + 10_000;
            boolean gone = false;
            while (!gone && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                gone = cluster.nodes.stream().allMatch(n -> n.node().broker().state().vhost("/").queue(q) == null);
            }
            assertTrue(gone, "deleted once unused for its expiry");
        }
    }

    @Test
    void aQueueWithAConsumerNeverExpires() throws Exception {
        String q = name("expires-consumed", "quorum");
        try (Connection c = declareAndConnect(q, args("quorum", "x-expires", 500), true); Channel ch = c.createChannel()) {
            ch.basicConsume(q, true, new DefaultConsumer(ch));
            Thread.sleep(2_500);
            assertNotNull(cluster.node(0).node().broker().state().vhost("/").queue(q), "still there");
        }
    }

    @Test
    void classicPriorityQueueDeliversHighestFirst() throws Exception {
        String q = name("prio", "classic");
        try (Connection c = declareAndConnect(q, args("classic", "x-max-priority", 10), true); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int p : new int[]{1, 5, 9, 0, 5}) {
                ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(p).build(), ("p" + p).getBytes());
            }
            ch.basicPublish("", q, null, "none".getBytes());
            assertTrue(ch.waitForConfirms(10_000));
            List<String> got = new ArrayList<>();
            for (GetResponse r; (r = ch.basicGet(q, true)) != null; ) got.add(new String(r.getBody()));
            assertEquals(List.of("p9", "p5", "p5", "p1", "p0", "none"), got);
        }
    }

    @Test
    void quorumQueuesHonourPriorityWithoutAnArgument() throws Exception {
        String q = name("prio", "quorum");
        try (Connection c = declareAndConnect(q, args("quorum"), true); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(1).build(), "low".getBytes());
            ch.basicPublish("", q, null, "unset".getBytes());
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(200).build(), "top".getBytes());
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(4).build(), "four".getBytes());
            assertTrue(ch.waitForConfirms(10_000));
            List<String> got = new ArrayList<>();
            for (GetResponse r; (r = ch.basicGet(q, true)) != null; ) got.add(new String(r.getBody()));
            assertEquals(List.of("top", "unset", "four", "low"), got, "unset is level 4, FIFO with explicit 4s");
        }
    }

    @Test
    void deadLetterCyclesWithoutARejectionAreDropped() throws Exception {
        String q = name("cycle", "quorum");
        // dead-letters to the default exchange with its own name as routing key: back into itself
        try (Connection c = declareAndConnect(q, args("quorum", "x-message-ttl", 100, "x-dead-letter-exchange", ""), false);
             Channel ch = c.createChannel()) {
            publishConfirmed(ch, q, 1, null);
            Thread.sleep(1_500);
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount(), "dropped on the cycle, not looping");
        }
    }

    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"quorum", "classic"})
    void aPolicyChangesAnExistingQueue(String type) throws Exception {
        String q = name("policy", type);
        Admin admin = cluster.node(1).node().broker().admin();
        try (Connection c = declareAndConnect(q, args(type), true); Channel ch = c.createChannel()) {
            publishConfirmed(ch, q, 2, null);
            admin.setPolicy(new PolicyRecord("/", q, "^" + q + "$", "queues", Map.of("message-ttl", 100, "max-length", 1), 0)).join();
            long deadline = System.currentTimeMillis() + 10_000;
            while (ch.queueDeclarePassive(q).getMessageCount() > 1 && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(1, ch.queueDeclarePassive(q).getMessageCount(), "trimmed to the policy's max-length, no redeclare");
            // as in RabbitMQ, a message's TTL is fixed when it is enqueued: the policy's applies to what comes next
            publishConfirmed(ch, q, 1, null);
            deadline = System.currentTimeMillis() + 10_000;
            while (ch.queueDeclarePassive(q).getMessageCount() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount(), "expired by the policy's TTL");
            admin.clearPolicy("/", q).join();
        }
    }

    static int ctl(String... args) {
        List<String> a = new ArrayList<>(List.of("-n", "127.0.0.1:" + cluster.node(1).config.raftPort, "--cluster-secret", "test-secret", "-q"));
        a.addAll(List.of(args));
        return new picocli.CommandLine(new io.warren.ops.cli.Ctl()).execute(a.toArray(String[]::new));
    }

    /** An operator policy caps the limits whatever the queue's arguments and policy ask (the lower value wins). */
    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"quorum", "classic"})
    void anOperatorPolicyCapsWhatTheQueueAsksFor(String type) throws Exception {
        String q = name("oppolicy", type);
        try (Connection c = declareAndConnect(q, args(type, "x-max-length", 5), true); Channel ch = c.createChannel()) {
            publishConfirmed(ch, q, 4, null);
            assertEquals(0, ctl("set_operator_policy", "--apply-to", "queues", "cap-" + q, "^" + q + "$", "{\"max-length\":2}"));
            long deadline = System.currentTimeMillis() + 10_000;
            while (ch.queueDeclarePassive(q).getMessageCount() > 2 && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(2, ch.queueDeclarePassive(q).getMessageCount(), "capped by the operator policy, no redeclare");
            assertEquals("m2", new String(awaitGet(ch, q, 5_000).getBody()), "the head was dropped");
            assertEquals(0, ctl("clear_operator_policy", "cap-" + q));
        }
    }

    @Test
    void anOperatorPolicyWithAKeyOperatorsMayNotSetIsRefused() {
        assertNotEquals(0, ctl("set_operator_policy", "bad", ".*", "{\"ha-mode\":\"all\"}"), "ha-mode is not an operator policy key");
        assertTrue(cluster.node(0).node().broker().state().vhost("/").operatorPolicyFor("anything") == null, "nothing was set");
    }

    @Test
    void atLeastOnceDeadLetteringKeepsTheMessageUntilItCanBeRouted() throws Exception {
        String q = name("alo", "quorum"), dlx = q + ".dlx", dlq = q + ".dlq";
        try (Connection c = declareAndConnect(q, args("quorum", "x-message-ttl", 100, "x-dead-letter-exchange", dlx,
                "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish"), true); Channel ch = c.createChannel()) {
            publishConfirmed(ch, q, 2, null);
            Thread.sleep(1_000); // expired; the dead-letter exchange does not exist yet
            assertEquals(2, ch.queueDeclarePassive(q).getMessageCount() + unacked(q), "kept in the source");
            deadLetterTarget(ch, dlx, dlq);
            for (String want : List.of("m0", "m1")) {
                GetResponse r = awaitGet(ch, dlq, 10_000);
                assertNotNull(r, want);
                assertEquals(want, new String(r.getBody()));
                ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
            long deadline = System.currentTimeMillis() + 5_000;
            while (unacked(q) + ch.queueDeclarePassive(q).getMessageCount() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(0, unacked(q) + ch.queueDeclarePassive(q).getMessageCount(), "settled in the source once routed");
        }
    }

    /** RabbitMQ 4.3's delayed retry (quorum queues): a message nacked with requeue waits min × delivery count ms. */
    @ParameterizedTest(name = "remote {0}")
    @ValueSource(booleans = {false, true})
    void aDelayedRetryHoldsANackedMessageBeforeItIsDeliveredAgain(boolean remote) throws Exception {
        String q = name("retry", "quorum");
        try (Connection c = declareAndConnect(q, args("quorum", "x-delayed-retry-type", "failed", "x-delayed-retry-min", 700,
                "x-delayed-retry-max", 1_000), remote); Channel ch = c.createChannel()) {
            publishConfirmed(ch, q, 1, null);
            for (long want : new long[]{700, 1_000}) { // 700 × 1, then min(700 × 2, 1000)
                GetResponse r = awaitGet(ch, q, 5_000);
                assertNotNull(r);
                long nacked = System.currentTimeMillis();
                ch.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
                assertNull(ch.basicGet(q, false), "held, not ready at once");
                GetResponse again = awaitGet(ch, q, 5_000);
                long waited = System.currentTimeMillis() - nacked;
                assertNotNull(again, "ready again after the delay");
                assertTrue(waited >= want - 50, "waited " + waited + " ms, the delay is " + want + " ms");
                assertTrue(again.getEnvelope().isRedeliver());
                ch.basicNack(again.getEnvelope().getDeliveryTag(), false, true);
                Thread.sleep(1_500);
            }
            ch.queueDelete(q);
        }
    }

    @Test
    void aDelayedRetryOfTypeFailedDoesNotHoldMessagesReturnedByAClosedChannel() throws Exception {
        String q = name("retry-closed", "quorum");
        try (Connection c = declareAndConnect(q, args("quorum", "x-delayed-retry-type", "failed", "x-delayed-retry-min", 60_000), false)) {
            Channel ch = c.createChannel();
            publishConfirmed(ch, q, 1, null);
            Channel consumer = c.createChannel();
            assertNotNull(awaitGet(consumer, q, 5_000));
            consumer.close(); // returned, not failed: ready at once
            GetResponse r = awaitGet(ch, q, 2_000);
            assertNotNull(r, "a return by a closed channel is not delayed by type failed");
            assertTrue(r.getEnvelope().isRedeliver());
            ch.queueDelete(q);
        }
    }

    @Test
    void anUnknownDelayedRetryTypeIsRefused() throws Exception {
        try (Connection c = cluster.node(0).connect()) {
            Channel ch = c.createChannel(); // closed by the refusal
            String q = name("retry-bad", "quorum");
            var e = assertThrows(java.io.IOException.class,
                    () -> ch.queueDeclare(q, true, false, false, args("quorum", "x-delayed-retry-type", "sometimes")));
            assertTrue(e.getCause().getMessage().contains("PRECONDITION_FAILED - invalid arg 'x-delayed-retry-type'"), e.getCause().getMessage());
        }
    }

    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"quorum", "classic"})
    void aConsumerHoldingADeliveryTooLongIsCancelledAndTheMessageGoesBack(String type) throws Exception {
        String q = name("ctimeout", type);
        try (Connection c = declareAndConnect(q, args(type, "x-consumer-timeout", 1_000), true)) {
            Channel ch = c.createChannel();
            publishConfirmed(ch, q, 1, null);
            Channel cons = c.createChannel();
            java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicLong tag = new java.util.concurrent.atomic.AtomicLong();
            cons.basicConsume(q, false, new DefaultConsumer(cons) {
                @Override public void handleDelivery(String t, com.rabbitmq.client.Envelope e, AMQP.BasicProperties p, byte[] b) {
                    tag.set(e.getDeliveryTag()); // and never acknowledged
                }

                @Override public void handleCancel(String consumerTag) { cancelled.countDown(); }
            });
            assertTrue(cancelled.await(10, java.util.concurrent.TimeUnit.SECONDS), "basic.cancel (the Java client announces consumer_cancel_notify)");
            GetResponse back = awaitGet(ch, q, 5_000);
            assertNotNull(back, "the message is back in the queue");
            assertTrue(back.getEnvelope().isRedeliver());
            cons.basicAck(tag.get(), false); // a late ack of the timed-out delivery is not an error
            cons.basicQos(1);
            assertTrue(cons.isOpen());
            ch.basicAck(back.getEnvelope().getDeliveryTag(), false);
        }
    }

    @Test
    void aBasicGetHeldTooLongClosesTheChannelWith406() throws Exception {
        String q = name("gtimeout", "quorum");
        try (Connection c = declareAndConnect(q, args("quorum", "x-consumer-timeout", 500), false)) {
            Channel ch = c.createChannel();
            publishConfirmed(ch, q, 1, null);
            assertNotNull(ch.basicGet(q, false));
            long deadline = System.currentTimeMillis() + 10_000;
            while (ch.isOpen() && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertFalse(ch.isOpen());
            var sig = ch.getCloseReason();
            assertEquals(406, ((AMQP.Channel.Close) sig.getReason()).getReplyCode());
            assertTrue(sig.getMessage().contains("delivery acknowledgement on channel " + ch.getChannelNumber() + " timed out"), sig.getMessage());
            Channel other = c.createChannel();
            assertNotNull(awaitGet(other, q, 5_000), "the message went back");
        }
    }

    @Test
    void defaultQueueTypeClassicMakesUntypedDurableQueuesClassic() throws Exception {
        try (TestNode n = new TestNode()) {
            n.config.set("default_queue_type", "classic");
            n.start();
            try (Connection c = n.connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("untyped", true, false, false, null);
                ch.queueDeclare("typed", true, false, false, Map.of("x-queue-type", "quorum"));
            }
            assertEquals(io.warren.metadata.model.QueueType.CLASSIC, n.node().broker().state().vhost("/").queue("untyped").type());
            assertEquals(io.warren.metadata.model.QueueType.QUORUM, n.node().broker().state().vhost("/").queue("typed").type());
            n.stop();
        }
    }

    static long unacked(String q) {
        for (Admin.QueueInfo i : cluster.node(0).node().broker().admin().queues("/").join()) {
            if (i.queue().name().equals(q)) return i.stats().messagesUnacked();
        }
        return 0;
    }

    @Test
    void invalidArgumentsAre406() throws Exception {
        try (Connection c = cluster.node(0).connect()) {
            for (Object[] bad : new Object[][]{{"x-message-ttl", -1}, {"x-expires", 0}, {"x-max-length", "ten"},
                    {"x-overflow", "explode"}, {"x-max-priority", 256}}) {
                Channel ch = c.createChannel();
                String text = Errors.channelError(406, () -> ch.queueDeclare("bad-arg", true, false, false, Map.of((String) bad[0], bad[1])));
                assertTrue(text.contains("invalid arg '" + bad[0] + "'"), text);
            }
        }
    }
}
