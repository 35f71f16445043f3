package io.warren.it.ops;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.TestCluster;
import io.warren.it.TestNode;
import io.warren.it.faults.Sh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real Prometheus (Debian's package, installed if missing, on a free port) scrapes a 3-node Warren cluster, and the
 * PromQL of RabbitMQ's Grafana dashboards (RabbitMQ-Overview, RabbitMQ-Quorum-Queues-Raft) returns Warren's data.
 */
class PrometheusTest {
    static final String CLUSTER = "prom-test";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestCluster cluster;
    static Process prometheus;
    static Path dir;
    static int port;

    @BeforeAll static void up() throws Exception {
        Sh.ensurePackages("prometheus");
        cluster = new TestCluster(3).start();
        new Api(cluster.node(0).node().managementPort(), "guest", "guest").put("cluster-name", Map.of("name", CLUSTER));
        try (Connection c = cluster.node(0).connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("prom-q", true, false, false, Map.of("x-queue-type", "quorum"));
            ch.confirmSelect();
            for (int i = 0; i < 7; i++) ch.basicPublish("", "prom-q", null, ("m" + i).getBytes());
            ch.waitForConfirmsOrDie(10_000);
        }
        dir = Files.createTempDirectory("warren-prometheus");
        port = TestNode.freePort();
        StringBuilder targets = new StringBuilder();
        for (TestNode n : cluster.nodes) {
            targets.append(targets.isEmpty() ? "" : ", ").append("'127.0.0.1:").append(n.node().prometheusPort()).append("'");
        }
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n  - job_name: warren\n    static_configs:\n      - targets: [" + targets + "]\n");
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll static void down() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) prometheus.destroyForcibly();
        }
        if (cluster != null) cluster.close();
        if (dir != null) try (var files = Files.walk(dir)) { files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }

    /** An instant query's result vector (each a metric's labels and its value). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> query(String promql) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> body = (Map<String, Object>) Api.JSON.readValue(r.body(), Object.class);
        return (List<Map<String, Object>>) ((Map<String, Object>) body.get("data")).get("result");
    }

    /** Polls a query until it returns {@code series} series (Prometheus needs a few scrapes for rates). */
    static List<Map<String, Object>> await(String promql, int series) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        List<Map<String, Object>> last = List.of();
        while (System.currentTimeMillis() < deadline) {
            try {
                last = query(promql);
                if (last.size() == series) return last;
            } catch (java.io.IOException e) {
                // Prometheus is still starting
            }
            Thread.sleep(500);
        }
        fail("'" + promql + "' returned " + last.size() + " series, not " + series + ": " + last + "\n"
                + (Files.exists(dir.resolve("prometheus.log")) ? Files.readString(dir.resolve("prometheus.log")).lines().skip(0).limit(40).toList() : ""));
        return last;
    }

    static boolean sleep() throws InterruptedException {
        Thread.sleep(500);
        return true;
    }

    static double value(Map<String, Object> series) { return Double.parseDouble(String.valueOf(((List<?>) series.get("value")).get(1))); }

    static String identity() { return "rabbitmq_identity_info{rabbitmq_cluster=\"" + CLUSTER + "\", namespace=\"\"}"; }

    @Test
    void theOverviewDashboardsQueriesSeeTheCluster() throws Exception {
        List<Map<String, Object>> nodes = await("rabbitmq_identity_info", 3);
        List<String> names = new ArrayList<>();
        for (var s : nodes) names.add(String.valueOf(((Map<?, ?>) s.get("metric")).get("rabbitmq_node")));
        assertTrue(names.containsAll(List.of("n1@127.0.0.1", "n2@127.0.0.1", "n3@127.0.0.1")), names.toString());

        List<Map<String, Object>> ready = await("sum(rabbitmq_queue_messages_ready * on(instance) group_left(rabbitmq_cluster) "
                + identity() + ")", 1);
        assertEquals(7.0, value(ready.get(0)), "the 7 ready messages, counted once (on the queue's leader)");
        await("sum(rabbitmq_connections * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity() + ") by(rabbitmq_node)", 3);
        await("rabbitmq_build_info * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity(), 3);
        // the Overview's message panels: what the publishes did, counted on the node the client used
        List<Map<String, Object>> received = await("sum(rabbitmq_global_messages_received_total * on(instance) group_left(rabbitmq_cluster) "
                + identity() + ")", 1);
        assertEquals(7.0, value(received.get(0)), "the 7 publishes");
        List<Map<String, Object>> confirmed = await("sum(rabbitmq_global_messages_confirmed_total * on(instance) group_left(rabbitmq_cluster) "
                + identity() + ")", 1);
        assertEquals(7.0, value(confirmed.get(0)), "and their confirms");
        await("sum(rate(rabbitmq_global_messages_received_total[60s]) * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) "
                + identity() + ") by(rabbitmq_node)", 3);
        // the churn rows: connections, channels and queues opened and declared, per node
        for (String churn : List.of("connections_opened", "connections_closed", "channels_opened", "channels_closed", "queues_declared",
                "queues_created", "queues_deleted")) {
            await("sum(rate(rabbitmq_" + churn + "_total[60s]) * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) "
                    + identity() + ") by(rabbitmq_node)", 3);
        }
        await("sum(rabbitmq_global_consumers * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity() + ") by(rabbitmq_node)", 3);
        List<Map<String, Object>> declared = await("sum(rabbitmq_queues_declared_total * on(instance) group_left(rabbitmq_cluster) "
                + identity() + ")", 1);
        assertTrue(value(declared.get(0)) >= 1, "prom-q's declare: " + declared);
        double published = 0;
        for (TestNode n : cluster.nodes) {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.node().prometheusPort() + "/metrics/per-object"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "rabbitmq_queue_messages_published_total\\{queue=\"prom-q\",vhost=\"/\"\\} ([0-9.]+)").matcher(text);
            if (m.find()) published += Double.parseDouble(m.group(1));
        }
        assertEquals(7.0, published, "the 7 publishes into prom-q, counted where the client published");
        await("(rabbitmq_resident_memory_limit_bytes * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity()
                + ") - (rabbitmq_process_resident_memory_bytes * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity() + ")", 3);
    }

    @Test
    void theQuorumQueuesRaftDashboardsQueriesSeeEveryMember() throws Exception {
        // the dashboard's panels, with $rabbitmq_cluster and an empty $namespace
        await("sum(rate(rabbitmq_raft_log_commit_index[60s]) * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) "
                + identity() + ") by(rabbitmq_node)", 3);
        await("sum(\n  (rabbitmq_raft_log_last_written_index * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity()
                + ") -\n  (rabbitmq_raft_log_commit_index * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity()
                + ")\n) by(rabbitmq_node)", 3);
        await("sum(rate(rabbitmq_raft_term_total[60s]) * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) " + identity()
                + ") by(rabbitmq_node)", 3);
        // "Log entry commit latency": the node leading prom-q's group, which committed the publishes
        List<Map<String, Object>> latency = await("rabbitmq_raft_entry_commit_latency_seconds * on(instance) group_left(rabbitmq_cluster, "
                + "rabbitmq_node) " + identity(), 1);
        assertTrue(value(latency.get(0)) > 0 && value(latency.get(0)) < 10, "a commit latency in seconds: " + latency);
        // per object (a set-up scrapes one or the other): every member shows the queue's Raft figures, caught up alike
        long deadline = System.currentTimeMillis() + 20_000;
        java.util.Set<Double> commits;
        do {
            commits = new java.util.HashSet<>();
            for (TestNode n : cluster.nodes) {
                String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.node().prometheusPort() + "/metrics/per-object"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(text.contains("rabbitmq_identity_info{"), text);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "rabbitmq_raft_log_commit_index\\{queue=\"prom-q\",vhost=\"/\"\\} ([0-9.]+)").matcher(text);
                assertTrue(m.find(), "the queue's commit index on " + n.config.nodeName + ": " + text);
                commits.add(Double.parseDouble(m.group(1)));
            }
        } while (commits.size() > 1 && System.currentTimeMillis() < deadline && sleep());
        assertEquals(1, commits.size(), "every member reports the same commit index once caught up: " + commits);
        assertTrue(commits.iterator().next() > 0, "entries were committed: " + commits);
    }

    /** /metrics/detailed serves the families asked for, per queue, under rabbitmq_detailed_ names. */
    @Test
    void detailedMetricsServeTheFamiliesAsked() throws Exception {
        int leaders = 0;
        for (TestNode n : cluster.nodes) {
            String base = "http://127.0.0.1:" + n.node().prometheusPort() + "/metrics/detailed";
            String both = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?family=queue_coarse_metrics&family=ra_metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(both.contains("rabbitmq_identity_info{"), both);
            assertTrue(both.contains("rabbitmq_detailed_raft_log_commit_index{queue=\"prom-q\",vhost=\"/\"}"), "every member: " + both);
            if (both.contains("rabbitmq_detailed_queue_messages{queue=\"prom-q\",vhost=\"/\"} 7.0")) leaders++;
            String consumers = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?family=queue_consumer_count&vhost=%2F")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertFalse(consumers.contains("rabbitmq_detailed_raft_"), "only the family asked: " + consumers);
            String none = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?family=queue_coarse_metrics&vhost=other")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertFalse(none.contains("rabbitmq_detailed_queue_messages"), "another vhost's queues only: " + none);
        }
        assertEquals(1, leaders, "the queue's counts come from the node that serves it");
    }
}
