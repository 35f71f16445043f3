package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import io.warren.metadata.model.QueueRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Three nodes in one JVM: any node accepts clients; queues are Raft groups across nodes. */
class ClusterTest {
    static TestCluster cluster;

    @BeforeAll static void up() throws Exception { cluster = new TestCluster(3).start(); }

    @AfterAll static void down() throws Exception { cluster.close(); }

    /** The queue's record as the first node to have applied it sees it. */
    static QueueRecord record(String q) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            for (TestNode t : cluster.nodes) {
                QueueRecord r = t.node().broker().state().vhost("/").queue(q);
                if (r != null) return r;
            }
            if (System.currentTimeMillis() > deadline) return null;
            Thread.sleep(10);
        }
    }

    @Test
    void allNodesSeeTheClusterAndItsMetadata() throws Exception {
        for (TestNode t : cluster.nodes) assertEquals(3, t.node().broker().state().nodes().size());
        try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("c-x", "topic", true);
        }
        for (int i = 0; i < 3; i++) {
            try (Connection c = cluster.node(i).connect(); Channel ch = c.createChannel()) {
                ch.exchangeDeclarePassive("c-x"); // declare-ok on node 1 means visible on every node after
            }
        }
    }

    @Test
    void quorumQueueHasThreeMembersAndServesEveryNode() throws Exception {
        try (Connection c1 = cluster.node(0).connect(); Connection c2 = cluster.node(1).connect();
             Connection c3 = cluster.node(2).connect()) {
            Channel ch1 = c1.createChannel();
            ch1.queueDeclare("c-q", true, false, false, null);
            QueueRecord q = record("c-q");
            assertEquals(3, q.members().size());
            assertEquals("n1@127.0.0.1", q.preferredLeader(), "client-local leader");
            Channel ch2 = c2.createChannel();
            ch2.confirmSelect();
            for (int i = 0; i < 200; i++) ch2.basicPublish("", "c-q", null, ("m" + i).getBytes());
            ch2.waitForConfirmsOrDie(30_000);
            Channel ch3 = c3.createChannel();
            assertEquals(200, ch3.queueDeclarePassive("c-q").getMessageCount());
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            ch3.basicQos(50);
            ch3.basicConsume("c-q", false, new DefaultConsumer(ch3) {
                @Override public void handleDelivery(String t, Envelope e, AMQP.BasicProperties p, byte[] b) throws java.io.IOException {
                    got.add(new String(b));
                    getChannel().basicAck(e.getDeliveryTag(), false);
                }
            });
            java.util.List<String> order = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) order.add(got.poll(30, TimeUnit.SECONDS));
            for (int i = 0; i < 200; i++) assertEquals("m" + i, order.get(i), "FIFO through another node: " + order);
            long deadline = System.currentTimeMillis() + 10_000;
            while (ch1.queueDeclarePassive("c-q").getMessageCount() != 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertEquals(0, ch1.queueDeclarePassive("c-q").getMessageCount(), "acks from node 3 settled on the leader");
        }
    }

    @Test
    void classicQueueOnOneNodeIsReachableFromTheOthers() throws Exception {
        try (Connection c1 = cluster.node(0).connect(); Connection c2 = cluster.node(1).connect()) {
            Channel ch1 = c1.createChannel();
            ch1.queueDeclare("c-classic", false, false, false, null);
            assertEquals("n1@127.0.0.1", record("c-classic").ownerNode());
            Channel ch2 = c2.createChannel();
            ch2.confirmSelect();
            ch2.basicPublish("", "c-classic", null, "hello".getBytes());
            ch2.waitForConfirmsOrDie(10_000);
            GetResponse r = ch2.basicGet("c-classic", true);
            assertEquals("hello", new String(r.getBody()));
        }
    }

    @Test
    void haModePoliciesSetTheGroupSizeThroughTheCli() throws Exception {
        String node = "127.0.0.1:" + cluster.node(1).config.raftPort;
        int rc = new picocli.CommandLine(new io.warren.ops.cli.Ctl()).execute("-n", node, "--cluster-secret", "test-secret", "-q",
                "set_policy", "ha-two", "^ha\\.", "{\"ha-mode\":\"exactly\",\"ha-params\":2}");
        assertEquals(0, rc);
        assertEquals(1, new picocli.CommandLine(new io.warren.ops.cli.Ctl()).execute("-n", node, "--cluster-secret", "wrong",
                "set_policy", "x", ".*", "{}"), "a wrong secret is refused");
        try (Connection c = cluster.node(2).connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("ha.orders", true, false, false, null);
            ch.queueDeclare("plain-orders", true, false, false, null);
        }
        assertEquals(2, record("ha.orders").members().size(), "ha-mode exactly 2");
        assertEquals(3, record("plain-orders").members().size());
        assertEquals(0, new picocli.CommandLine(new io.warren.ops.cli.Ctl()).execute("-n", node, "--cluster-secret", "test-secret", "-q",
                "clear_policy", "ha-two"));
    }

    /**
     * A durable classic queue's group has one member: another node does not know its leader and asks. Publishes made
     * while it asks must still reach the queue in the channel's order (they did not: the first few of a fresh queue
     * were sent in whatever order the lookups came back).
     */
    @Test
    void publishesThroughANodeOutsideTheGroupKeepTheirOrder() throws Exception {
        for (int round = 0; round < 5; round++) {
            String q = "order-outside-" + round;
            try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare(q, true, false, false, java.util.Map.of("x-queue-type", "classic"));
            }
            try (Connection c = cluster.node(1).connect(); Channel ch = c.createChannel()) {
                ch.confirmSelect();
                for (int i = 0; i < 50; i++) ch.basicPublish("", q, null, ("m" + i).getBytes());
                assertTrue(ch.waitForConfirms(10_000));
                for (int i = 0; i < 50; i++) {
                    com.rabbitmq.client.GetResponse r = ch.basicGet(q, true);
                    assertNotNull(r, "message " + i);
                    assertEquals("m" + i, new String(r.getBody()), "round " + round + ": the channel's order");
                }
                ch.queueDelete(q);
            }
        }
    }

    @Test
    void aVhostsDefaultQueueTypeDecidesWhatAnUntypedDurableQueueBecomes() throws Exception {
        String node = "127.0.0.1:" + cluster.node(1).config.raftPort;
        java.util.function.Function<String[], Integer> ctl = a -> {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-n", node, "--cluster-secret", "test-secret", "-q"));
            args.addAll(java.util.List.of(a));
            return new picocli.CommandLine(new io.warren.ops.cli.Ctl()).execute(args.toArray(String[]::new));
        };
        assertEquals(64, ctl.apply(new String[]{"update_vhost_metadata", "/", "--default-queue-type", "stream"}), "an unknown type");
        try {
            assertEquals(0, ctl.apply(new String[]{"update_vhost_metadata", "/", "--default-queue-type", "classic"}));
            long deadline = System.currentTimeMillis() + 5_000; // committed; node 3 applies it a moment later
            while (cluster.node(2).node().broker().state().vhost("/").defaultQueueType() == null && System.currentTimeMillis() < deadline) Thread.sleep(10);
            try (Connection c = cluster.node(2).connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("vdqt-classic", true, false, false, null);
            }
            assertEquals(io.warren.metadata.model.QueueType.CLASSIC, record("vdqt-classic").type(), "the vhost's default, not the node's (quorum)");
            assertEquals(0, ctl.apply(new String[]{"update_vhost_metadata", "/", "--default-queue-type", "node"}));
            deadline = System.currentTimeMillis() + 5_000;
            while (cluster.node(2).node().broker().state().vhost("/").defaultQueueType() != null && System.currentTimeMillis() < deadline) Thread.sleep(10);
            try (Connection c = cluster.node(2).connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("vdqt-node", true, false, false, null);
            }
            assertEquals(io.warren.metadata.model.QueueType.QUORUM, record("vdqt-node").type(), "back to the node's default_queue_type");
        } finally {
            ctl.apply(new String[]{"update_vhost_metadata", "/", "--default-queue-type", "node"});
        }
    }

    @Test
    void groupSizeArgumentAndBalancedLocator() throws Exception {
        try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("c-one", true, false, false, java.util.Map.of("x-quorum-initial-group-size", 1));
            assertEquals(1, record("c-one").members().size());
            for (int i = 0; i < 3; i++) {
                java.util.Map<String, Integer> leading = new java.util.HashMap<>();
                for (TestNode t : cluster.nodes) leading.put(t.config.nodeName, 0);
                for (QueueRecord q : cluster.node(0).node().broker().state().allQueues()) {
                    if (q.isQuorum()) leading.merge(q.preferredLeader(), 1, Integer::sum);
                }
                int fewest = java.util.Collections.min(leading.values());
                ch.queueDeclare("c-bal-" + i, true, false, false, java.util.Map.of("x-queue-leader-locator", "balanced"));
                String chosen = record("c-bal-" + i).preferredLeader();
                assertEquals(fewest, leading.get(chosen), "balanced picks a node leading the fewest queues: " + leading + " chose " + chosen);
            }
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) ch.basicPublish("", "c-bal-" + i, null, new byte[]{1});
            ch.waitForConfirmsOrDie(30_000);
        }
    }

    /**
     * Queues placed in a shared group (by argument here; by the dedicated-group budget for the long tail) keep
     * the semantics of queues with groups of their own: FIFO through any node, confirms, independent contents;
     * deleting one leaves its siblings and their messages alone, and a new queue of that name starts empty.
     */
    @Test
    void queuesSharingAGroupBehaveAsQueuesOfTheirOwn() throws Exception {
        java.util.Map<String, Object> shared = java.util.Map.of("x-queue-group", "shared");
        try (Connection c1 = cluster.node(0).connect(); Connection c2 = cluster.node(1).connect();
             Connection c3 = cluster.node(2).connect()) {
            Channel ch1 = c1.createChannel();
            for (int i = 0; i < 4; i++) ch1.queueDeclare("sh-" + i, true, false, false, shared);
            String group = record("sh-0").groupId();
            for (int i = 1; i < 4; i++) assertEquals(group, record("sh-" + i).groupId(), "one group hosts them all");
            assertTrue(group.startsWith("s"), group);
            Channel ch2 = c2.createChannel();
            ch2.confirmSelect();
            for (int m = 0; m < 100; m++) {
                for (int i = 0; i < 4; i++) ch2.basicPublish("", "sh-" + i, null, ("q" + i + "m" + m).getBytes());
            }
            ch2.waitForConfirmsOrDie(30_000);
            for (int i = 0; i < 4; i++) assertEquals(100, ch2.queueDeclarePassive("sh-" + i).getMessageCount());
            ch1.queueDelete("sh-1");
            Channel ch3 = c3.createChannel();
            for (int i : new int[] {0, 2, 3}) {
                for (int m = 0; m < 100; m++) {
                    GetResponse r = ch3.basicGet("sh-" + i, true);
                    assertNotNull(r, "sh-" + i + " lost message " + m);
                    assertEquals("q" + i + "m" + m, new String(r.getBody()), "FIFO per queue in a shared group");
                }
                assertNull(ch3.basicGet("sh-" + i, true));
            }
            ch1.queueDeclare("sh-1", true, false, false, shared);
            assertEquals(0, ch1.queueDeclarePassive("sh-1").getMessageCount(), "a redeclared queue starts empty");
            for (int i = 0; i < 4; i++) ch1.queueDelete("sh-" + i);
        }
    }

    /** Runs {@code warren ctl VERB --formatter json} against node {@code i}; its output. */
    static com.fasterxml.jackson.databind.JsonNode ctl(int i, String... verb) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int rc;
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-n", "127.0.0.1:" + cluster.node(i).config.raftPort,
                "--cluster-secret", "test-secret", "--formatter", "json"));
        args.addAll(java.util.List.of(verb));
        synchronized (ClusterTest.class) {
            try {
                System.setOut(new java.io.PrintStream(out, true));
                rc = new picocli.CommandLine(new io.warren.ops.cli.Ctl()).execute(args.toArray(String[]::new));
            } finally {
                System.setOut(old);
            }
        }
        assertEquals(0, rc, out.toString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    }

    /** list_queues names each queue's group, members and current leader, as any node sees them. */
    @Test
    void listQueuesShowsGroupsAndLeaders() throws Exception {
        try (Connection c = cluster.node(1).connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("lq-q", true, false, false, null); // client-local: led by n2
            ch.basicPublish("", "lq-q", null, "one".getBytes());
        }
        var out = ctl(2, "list_queues", "name", "type", "group", "leader", "members", "online", "messages");
        var rows = out;
        com.fasterxml.jackson.databind.JsonNode row = null;
        for (var r : rows) if (r.get("name").asText().equals("lq-q")) row = r;
        assertNotNull(row, out.toString());
        assertEquals("quorum", row.get("type").asText());
        assertEquals(record("lq-q").groupId(), row.get("group").asText());
        assertEquals("n2@127.0.0.1", row.get("leader").asText());
        assertEquals(3, row.get("members").size());
        assertEquals(3, row.get("online").size(), "every member answers");
        assertEquals(1, row.get("messages").asInt(), "counted where the queue is served");
    }

    /** list_connections, list_channels and list_consumers show the clients of every node, from any node, until they leave. */
    @Test
    void everyNodeListsTheClientsOfEveryNode() throws Exception {
        Connection a = cluster.node(0).connect();
        try (Connection b = cluster.node(2).connect(); Channel cb = b.createChannel()) {
            Channel ca = a.createChannel();
            ca.queueDeclare("ls-q", true, false, false, null);
            ca.confirmSelect();
            ca.basicQos(7);
            ca.basicConsume("ls-q", false, "ls-tag", new DefaultConsumer(ca));
            cb.txSelect();
            var conns = ctl(1, "list_connections", "pid", "user", "vhost", "peer_host", "peer_port", "channels");
            java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byNode = new java.util.HashMap<>();
            for (var c : conns) byNode.put(c.get("pid").asText().split("/")[0], c);
            assertTrue(byNode.containsKey("n1@127.0.0.1") && byNode.containsKey("n3@127.0.0.1"), conns.toString());
            var ra = byNode.get("n1@127.0.0.1");
            assertEquals("guest", ra.get("user").asText());
            assertEquals("/", ra.get("vhost").asText());
            assertEquals("127.0.0.1", ra.get("peer_host").asText());
            assertEquals(((com.rabbitmq.client.impl.AMQConnection) a).getLocalPort(), ra.get("peer_port").asInt());
            assertEquals(1, ra.get("channels").asInt());
            com.fasterxml.jackson.databind.JsonNode chA = null, chB = null;
            for (var c : ctl(1, "list_channels", "pid", "confirm", "transactional", "prefetch_count", "consumer_count")) {
                if (c.get("pid").asText().startsWith(ra.get("pid").asText() + " ")) chA = c;
                if (c.get("pid").asText().startsWith(byNode.get("n3@127.0.0.1").get("pid").asText() + " ")) chB = c;
            }
            assertNotNull(chA);
            assertTrue(chA.get("confirm").asBoolean());
            assertEquals(7, chA.get("prefetch_count").asInt());
            assertEquals(1, chA.get("consumer_count").asInt());
            assertNotNull(chB);
            assertTrue(chB.get("transactional").asBoolean());
            var consumers = ctl(2, "list_consumers");
            com.fasterxml.jackson.databind.JsonNode mine = null;
            for (var c : consumers) if (c.get("consumer_tag").asText().equals("ls-tag")) mine = c;
            assertNotNull(mine, consumers.toString());
            assertEquals("ls-q", mine.get("queue_name").asText());
            assertTrue(mine.get("ack_required").asBoolean());
            assertEquals(7, mine.get("prefetch_count").asInt());
            String pidA = ra.get("pid").asText();
            a.close();
            long deadline = System.currentTimeMillis() + 10_000;
            boolean gone = false;
            while (!gone && System.currentTimeMillis() < deadline) {
                gone = true;
                for (var c : ctl(1, "list_connections", "pid")) if (c.get("pid").asText().equals(pidA)) gone = false;
                if (!gone) Thread.sleep(50);
            }
            assertTrue(gone, "a closed connection leaves the listing");
        } finally {
            a.abort();
        }
    }

    /** list_exchanges and list_bindings show what a declare through another node made, on every node. */
    @Test
    void everyNodeListsTheExchangesAndBindingsDeclaredThroughAnother() throws Exception {
        try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("lx-topic", "topic", true);
            ch.queueDeclare("lx-q", true, false, false, null);
            ch.queueBind("lx-q", "lx-topic", "a.#", java.util.Map.of("x-k", "v"));
        }
        for (int i = 0; i < 3; i++) {
            try (var admin = new io.warren.ops.cli.AdminClient("127.0.0.1:" + cluster.node(i).config.raftPort, "test-secret", 10_000)) {
                long deadline = System.currentTimeMillis() + 10_000;
                while (admin.bindings("/").join().stream().noneMatch(b -> b.source().equals("lx-topic"))
                        && System.currentTimeMillis() < deadline) Thread.sleep(50);
                var x = admin.exchanges("/").join().stream().filter(e -> e.name().equals("lx-topic")).findFirst().orElseThrow();
                assertEquals("topic", x.type().wireName());
                assertEquals(true, x.durable());
                var b = admin.bindings("/").join().stream().filter(e -> e.source().equals("lx-topic")).toList();
                assertEquals(1, b.size(), "node " + i + ": " + b);
                assertEquals("lx-q", b.get(0).destination());
                assertEquals(false, b.get(0).toExchange());
                assertEquals("a.#", b.get(0).routingKey());
                assertEquals("v", String.valueOf(b.get(0).arguments().get("x-k")));
                var e = assertThrows(RuntimeException.class, () -> admin.bindings("/nowhere").join());
                assertTrue(e.getMessage().contains("vhost '/nowhere'"), e.getMessage());
            }
        }
        try (Connection c = cluster.node(1).connect(); Channel ch = c.createChannel()) {
            ch.exchangeDelete("lx-topic");
            ch.queueDelete("lx-q");
        }
    }

    /** An x-queue-group that is neither dedicated nor shared is refused as RabbitMQ refuses a bad argument. */
    @Test
    void unknownGroupModeIsRefused() throws Exception {
        try (Connection c = cluster.node(0).connect()) {
            Channel ch = c.createChannel();
            Errors.channelError(406, () -> ch.queueDeclare("sh-bad", true, false, false, java.util.Map.of("x-queue-group", "huge")));
        }
    }

    /**
     * One channel, one order through a node that does not serve the queue: a quorum queue led by n1 and a durable
     * classic queue kept on n1, used from a channel on n2 (ChannelOrderTest does the same on one node).
     */
    @Test
    void publishThenGetThroughANodeThatDoesNotServeTheQueue() throws Exception {
        try (Connection c1 = cluster.node(0).connect(); Connection c2 = cluster.node(1).connect()) {
            Channel ch1 = c1.createChannel();
            ch1.queueDeclare("order-qq", true, false, false, java.util.Map.of("x-queue-type", "quorum"));
            ch1.queueDeclare("order-dc", true, false, false, java.util.Map.of("x-queue-type", "classic"));
            assertEquals("n1@127.0.0.1", record("order-qq").preferredLeader());
            assertEquals(java.util.List.of("n1@127.0.0.1"), record("order-dc").members(), "a durable classic queue: one member, its node");
            Channel ch2 = c2.createChannel();
            for (String q : new String[]{"order-qq", "order-dc"}) {
                for (int i = 0; i < 100; i++) {
                    ch2.basicPublish("", q, null, ("m" + i).getBytes());
                    GetResponse r = ch2.basicGet(q, false);
                    assertNotNull(r, q + ": publish " + i + " not seen by the next basic.get through n2");
                    assertEquals("m" + i, new String(r.getBody()));
                    ch2.basicAck(r.getEnvelope().getDeliveryTag(), false);
                    assertEquals(0, ch2.queueDeclarePassive(q).getMessageCount(), q + ": an ack is seen by the next declare");
                }
            }
            ch1.queueDelete("order-qq");
            ch1.queueDelete("order-dc");
        }
    }

    /** queue.delete-ok before the deleting channel's basic.cancel also when the queue lives on another node (QueueTest). */
    @Test
    void deleteOkComesBeforeTheServerCancelThroughAnotherNode() throws Exception {
        try (Connection c1 = cluster.node(0).connect();
             java.net.Socket s = RawClient.handshake(cluster.node(1).port(), 0, java.util.Map.of("consumer_cancel_notify", true))) {
            Channel ch1 = c1.createChannel();
            ch1.queueDeclare("del-order-qq", true, false, false, null);
            ch1.queueDeclare("del-order-cq", false, false, false, null); // classic, on n1
            RawClient.send(s, 1, new io.warren.amqp.method.ChannelMethod.Open(""));
            RawClient.readMethod(s);
            for (String q : new String[]{"del-order-qq", "del-order-cq"}) {
                RawClient.send(s, 1, new io.warren.amqp.method.BasicMethod.Consume(0, q, "c-" + q, false, false, false, false, java.util.Map.of()));
                assertInstanceOf(io.warren.amqp.method.BasicMethod.ConsumeOk.class, RawClient.readMethod(s), q);
                RawClient.send(s, 1, new io.warren.amqp.method.QueueMethod.Delete(0, q, false, false, false));
                assertInstanceOf(io.warren.amqp.method.QueueMethod.DeleteOk.class, RawClient.readMethod(s), q + ": delete-ok first");
                assertInstanceOf(io.warren.amqp.method.BasicMethod.Cancel.class, RawClient.readMethod(s), q + ": then the cancel");
            }
        }
    }

    /**
     * After queue.bind-ok (and declare-ok) on one node, a publish through another node routes with it at once, as in
     * RabbitMQ, on a loaded cluster: 1,000 times declare and bind through n1, then publish (mandatory, confirmed)
     * through n2; nothing may come back unroutable. (Before, n2 could route from metadata it had not applied yet.)
     */
    @Test
    void aBindingAcknowledgedOnOneNodeRoutesAtOnceThroughAnother() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread load = new Thread(() -> { // another client keeps the cluster busy meanwhile
            try (Connection c = cluster.node(2).connect()) {
                Channel ch = c.createChannel();
                ch.queueDeclare("route-load", true, false, false, null);
                ch.confirmSelect();
                byte[] body = new byte[1024];
                for (int i = 0; loading.get(); i++) {
                    ch.basicPublish("", "route-load", null, body);
                    if (i % 200 == 199) { ch.waitForConfirmsOrDie(30_000); ch.queuePurge("route-load"); }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        load.start();
        try (Connection c1 = cluster.node(0).connect(); Connection c2 = cluster.node(1).connect()) {
            c1.createChannel().exchangeDeclare("route-x", "direct", false, true, null);
            java.util.List<String> returned = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            int clients = 4, each = 250; // 1,000 in all, four clients at a time
            java.util.List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            try {
                for (int t = 0; t < clients; t++) {
                    int client = t;
                    runs.add(pool.submit(() -> {
                        Channel declare = c1.createChannel();
                        Channel publish = c2.createChannel();
                        publish.confirmSelect();
                        publish.addReturnListener(r -> returned.add(r.getRoutingKey()));
                        for (int i = 0; i < each; i++) {
                            String key = client + "-" + i;
                            declare.queueDeclare("route-q" + key, false, false, true, null);
                            declare.queueBind("route-q" + key, "route-x", key);
                            publish.basicPublish("route-x", key, true, null, key.getBytes());
                        }
                        publish.waitForConfirmsOrDie(60_000);
                        assertEquals(1, declare.queueDeclarePassive("route-q" + client + "-" + (each - 1)).getMessageCount());
                        for (int i = 0; i < each; i++) declare.queueDelete("route-q" + client + "-" + i);
                        return null;
                    }));
                }
                for (var r : runs) r.get(5, java.util.concurrent.TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
            int n = clients * each;
            assertEquals(0, returned.size(), returned.size() + " of " + n + " published through n2 right after bind-ok on n1 were "
                    + "unroutable, the first: " + returned.subList(0, Math.min(10, returned.size())));
            c1.createChannel().exchangeDelete("route-x");
        } finally {
            loading.set(false);
            load.join(30_000);
        }
    }
}
