package io.warren.it.ops;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.TestCluster;
import io.warren.it.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** On a 3-node cluster, what one node's API changes every node's API shows, and each node lists the same objects. */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ClusterListingTest {
    static TestCluster cluster;

    @BeforeAll static void up() throws Exception { cluster = new TestCluster(3).start(); }

    @AfterAll static void down() throws Exception { cluster.close(); }

    static Api api(int i) { return new Api(cluster.node(i).node().managementPort(), "guest", "guest"); }

    @Test
    @org.junit.jupiter.api.Order(0)
    @SuppressWarnings("unchecked")
    void everyNodeListsTheSame() throws Exception {
        assertEquals(201, api(0).put("users/everywhere", Map.of("password", "pw", "tags", "management")).status());
        assertEquals(201, api(1).put("vhosts/shared", Map.of("description", "made on n2")).status());
        assertEquals(201, api(1).put("permissions/shared/guest", Map.of("configure", ".*", "write", ".*", "read", ".*")).status());
        assertEquals(201, api(2).put("permissions/shared/everywhere", Map.of("configure", ".*", "write", ".*", "read", ".*")).status());
        assertEquals(201, api(0).put("queues/shared/q1", Map.of("durable", true, "arguments", Map.of("x-queue-type", "quorum"))).status());
        assertEquals(201, api(1).put("exchanges/shared/x1", Map.of("type", "fanout")).status());
        assertEquals(201, api(2).post("bindings/shared/e/x1/q/q1", Map.of("routing_key", "")).status());
        try (Connection c = loginTo(cluster.node(2)); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("x1", "", null, "m".getBytes());
            ch.waitForConfirmsOrDie(10_000);
        }
        for (String path : List.of("users", "vhosts", "permissions", "exchanges/shared", "bindings/shared",
                "queues/shared?columns=name,type,members,messages", "definitions")) {
            List<Object> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Api.Reply r = api(i).get(path);
                assertEquals(200, r.status(), path + " on n" + (i + 1));
                answers.add(r.json());
            }
            assertEquals(answers.get(0), answers.get(1), path + ": n1 and n2 answer alike");
            assertEquals(answers.get(0), answers.get(2), path + ": n1 and n3 answer alike");
        }
        List<Map<String, Object>> qs = (List<Map<String, Object>>) api(1).get("queues/shared?columns=name,messages").json();
        assertEquals(List.of(Map.of("name", "q1", "messages", 1)), qs);
    }

    /**
     * What only a node knows is asked of every node: /api/nodes has each node's own figures, the alarms check sees another
     * node's alarm, the overview adds up the nodes' message counters and the queues' totals.
     */
    @Test
    @org.junit.jupiter.api.Order(1)
    @SuppressWarnings("unchecked")
    void figuresComeFromEveryNode() throws Exception {
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) api(0).get("nodes").json();
        assertEquals(3, nodes.size());
        java.util.Set<Object> pids = new java.util.HashSet<>();
        for (Map<String, Object> n : nodes) {
            assertEquals(true, n.get("running"), n.toString());
            for (String k : List.of("mem_used", "mem_limit", "disk_free", "disk_free_limit", "fd_used", "sockets_used", "uptime", "proc_used")) {
                assertTrue(n.get(k) instanceof Number, k + " of " + n.get("name"));
            }
            pids.add(n.get("db_dir"));
        }
        assertEquals(3, pids.size(), "each node's own figures, not the answering node's three times");

        assertEquals(204, api(1).put("warren/vm-memory-high-watermark", Map.of("fraction", 0.0000001)).status());
        try {
            Api.Reply alarms = api(0).get("health/checks/alarms");
            assertEquals(503, alarms.status());
            assertTrue(alarms.body().contains("memory on " + cluster.node(1).config.nodeName), alarms.body());
            assertEquals(200, api(0).get("health/checks/local-alarms").status(), "node 1 itself has none");
        } finally {
            assertEquals(204, api(1).put("warren/vm-memory-high-watermark", Map.of("fraction", 0.4)).status());
        }

        assertEquals(201, api(0).put("queues/%2F/stats-q", Map.of("durable", true, "arguments", Map.of("x-queue-type", "quorum"))).status());
        for (int i = 0; i < 3; i++) {
            try (Connection c = cluster.node(i).connect(); Channel ch = c.createChannel()) {
                ch.confirmSelect();
                for (int k = 0; k < 5; k++) ch.basicPublish("", "stats-q", null, "m".getBytes());
                ch.waitForConfirmsOrDie(10_000);
            }
        }
        Map<String, Object> overview = (Map<String, Object>) api(2).get("overview").json();
        Map<String, Object> stats = (Map<String, Object>) overview.get("message_stats");
        assertTrue(((Number) stats.get("publish")).longValue() >= 15, "publishes on all three nodes: " + stats);
        assertTrue(((Number) stats.get("confirm")).longValue() >= 15, stats.toString());
        assertTrue(stats.get("publish_details") instanceof Map<?, ?>, stats.toString());
        Map<String, Object> totals = (Map<String, Object>) overview.get("queue_totals");
        assertTrue(((Number) totals.get("messages")).longValue() >= 15, totals.toString());
        try (Connection c = cluster.node(1).connect(); Channel ch = c.createChannel()) {
            var got = ch.basicGet("stats-q", false);
            ch.basicAck(got.getEnvelope().getDeliveryTag(), false);
        }
        for (int i = 0; i < 3; i++) { // each queue's message_stats: every node's channels added up, asked of any node
            Map<String, Object> q = (Map<String, Object>) api(i).get("queues/%2F/stats-q").json();
            Map<String, Object> qs = (Map<String, Object>) q.get("message_stats");
            assertNotNull(qs, q.toString());
            assertEquals(15, ((Number) qs.get("publish")).intValue(), "5 publishes through each node: " + qs);
            assertEquals(1, ((Number) qs.get("get")).intValue(), qs.toString());
            assertEquals(1, ((Number) qs.get("ack")).intValue(), qs.toString());
            assertTrue(qs.get("publish_details") instanceof Map<?, ?>, qs.toString());
        }
        List<Map<String, Object>> listeners = (List<Map<String, Object>>) overview.get("listeners");
        long until = System.currentTimeMillis() + 20_000; // once two samples (5 s apart) have seen the queue
        Map<String, Object> sq;
        do {
            sq = (Map<String, Object>) api(2).get("queues/%2F/stats-q").json();
        } while (!sq.containsKey("messages_details") && System.currentTimeMillis() < until && sleep());
        assertTrue(sq.get("messages_details") instanceof Map<?, ?> d && d.get("rate") instanceof Number, "the length's rate: " + sq);
        assertTrue(((Map<String, Object>) ((Map<String, Object>) api(0).get("overview").json()).get("queue_totals"))
                .get("messages_details") instanceof Map<?, ?>);
        Map<String, Object> theirs = (Map<String, Object>) new Api(cluster.node(0).node().managementPort(), "everywhere", "pw")
                .get("overview").json();
        Map<String, Object> vhostStats = (Map<String, Object>) theirs.get("message_stats");
        assertEquals(1, ((Number) vhostStats.get("publish")).intValue(), "a management user: its vhost's queues' counts only: " + vhostStats);
        assertFalse(theirs.containsKey("listeners"), "listeners are for monitoring users");
        assertEquals(3, listeners.stream().filter(l -> l.get("protocol").equals("amqp")).count(), listeners.toString());
    }

    /** A vhost's max-connections counts the connections of every node, as RabbitMQ's does. */
    @Test
    @org.junit.jupiter.api.Order(1)
    void aConnectionLimitCountsTheWholeCluster() throws Exception {
        assertEquals(201, api(0).put("vhosts/capped", Map.of()).status());
        api(0).put("permissions/capped/guest", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        assertEquals(204, api(0).put("vhost-limits/capped/max-connections", Map.of("value", 2)).status());
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                var f = cluster.node(i).factory();
                f.setVirtualHost("capped");
                open.add(f.newConnection());
            }
            var f = cluster.node(2).factory();
            f.setVirtualHost("capped");
            String refusal = null;
            long deadline = System.currentTimeMillis() + 15_000;
            while (refusal == null && System.currentTimeMillis() < deadline) { // the other nodes' counts are a second old at most
                try {
                    f.newConnection().close();
                    Thread.sleep(200);
                } catch (java.io.IOException e) {
                    refusal = String.valueOf(e.getCause() != null ? e.getCause() : e);
                }
            }
            assertNotNull(refusal, "node 3 refuses the third connection into a vhost limited to 2");
            assertTrue(refusal.contains("530") && refusal.contains("connection limit (2) is reached"), refusal);
            open.remove(0).close();
            Connection again = null;
            deadline = System.currentTimeMillis() + 15_000;
            while (again == null && System.currentTimeMillis() < deadline) {
                try {
                    again = f.newConnection();
                } catch (java.io.IOException e) {
                    Thread.sleep(200);
                }
            }
            assertNotNull(again, "a closed connection on another node frees its place");
            open.add(again);
        } finally {
            for (Connection c : open) c.abort();
            api(0).delete("vhosts/capped");
        }
        // a user's max-channels alike: a channel on n1 and one on n2, then n3 refuses the third
        assertEquals(201, api(0).put("users/chatty", Map.of("password", "pw", "tags", "")).status());
        api(0).put("permissions/%2F/chatty", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        assertEquals(204, api(0).put("user-limits/chatty/max-channels", Map.of("value", 2)).status());
        List<Connection> mine = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                var f = cluster.node(i).factory();
                f.setUsername("chatty");
                f.setPassword("pw");
                mine.add(f.newConnection());
            }
            mine.get(0).createChannel();
            mine.get(1).createChannel();
            String refusal = null;
            long deadline = System.currentTimeMillis() + 15_000;
            while (refusal == null && System.currentTimeMillis() < deadline) {
                try {
                    mine.get(2).createChannel().close();
                    Thread.sleep(200);
                } catch (Exception e) {
                    refusal = String.valueOf(e.getCause() != null ? e.getCause() : e);
                }
            }
            assertNotNull(refusal, "node 3 refuses a third channel of a user limited to 2");
            assertTrue(refusal.contains("530") && refusal.contains("maximum allowed user limit of (2)"), refusal);
        } finally {
            for (Connection c : mine) c.abort();
            api(0).delete("users/chatty");
        }
    }

    /** With a member down, every quorum queue on a 3-node cluster hangs on the remaining two: each is quorum critical. */
    @Test
    @org.junit.jupiter.api.Order(2)
    @SuppressWarnings("unchecked")
    void aNodeIsQuorumCriticalWhenAnotherMemberIsDown() throws Exception {
        assertEquals(201, api(0).put("queues/%2F/critical-q", Map.of("durable", true, "arguments", Map.of("x-queue-type", "quorum"))).status());
        Api.Reply ok = api(0).get("health/checks/node-is-quorum-critical");
        assertEquals(200, ok.status(), "all three members up: " + ok.body());
        cluster.node(2).stop(); // the last test of the class: the cluster stays at two
        Api.Reply critical = api(0).get("health/checks/node-is-quorum-critical");
        assertEquals(503, critical.status(), critical.body());
        Map<String, Object> body = (Map<String, Object>) critical.json();
        assertEquals("failed", body.get("status"));
        assertTrue(((List<Map<String, Object>>) body.get("queues")).stream().anyMatch(q -> q.get("name").equals("critical-q")), critical.body());
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) api(0).get("nodes").json();
        assertEquals(List.of(true, true, false), nodes.stream().map(n -> n.get("running")).toList(), "the stopped node shows as not running");
    }

    static boolean sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    static Connection loginTo(TestNode n) throws Exception {
        var f = n.factory();
        f.setUsername("everywhere");
        f.setPassword("pw");
        f.setVirtualHost("shared");
        return f.newConnection();
    }
}
