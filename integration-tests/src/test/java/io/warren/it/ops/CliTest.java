package io.warren.it.ops;

import com.rabbitmq.client.Connection;
import io.warren.it.TestNode;
import io.warren.ops.cli.Ctl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The rabbitmqctl verbs as the seeds' runbooks type them: output, tab-separated columns, exit codes. */
class CliTest {
    static TestNode node;

    record Run(int exit, String out, String err) { }

    @BeforeAll static void up() throws Exception {
        node = new TestNode();
        node.config.clusterSecret = "cli-secret";
        node.start();
    }

    @AfterAll static void down() throws Exception { node.close(); }

    static synchronized Run ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("-n", "127.0.0.1:" + node.config.raftPort, "--cluster-secret", "cli-secret"));
        all.addAll(List.of(args));
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int rc = Ctl.commandLine().execute(all.toArray(String[]::new));
            return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void theSeedRunbookSteps() throws Exception {
        // rabbitmqctl add_user / set_user_tags / add_vhost / set_permissions, as the seeds run them
        Run add = ctl("add_user", "openstack", "s3cret");
        assertEquals(0, add.exit(), add.err());
        assertTrue(add.out().startsWith("Adding user \"openstack\" ..."), add.out());
        assertEquals(0, ctl("set_user_tags", "openstack", "administrator").exit());
        assertEquals(0, ctl("add_vhost", "openstack", "--description", "OpenStack services").exit());
        assertEquals(0, ctl("set_permissions", "-p", "openstack", "openstack", ".*", ".*", ".*").exit());
        var f = node.factory();
        f.setUsername("openstack");
        f.setPassword("s3cret");
        f.setVirtualHost("openstack");
        try (Connection c = f.newConnection()) { assertTrue(c.isOpen()); }

        Run users = ctl("-q", "list_users", "--no-table-headers");
        assertTrue(users.out().contains("openstack\t[administrator]\n"), users.out());
        assertFalse(users.out().contains("Listing"), "-q drops the banner");
        Run perms = ctl("list_permissions", "-p", "openstack");
        assertTrue(perms.out().contains("user\tconfigure\twrite\tread\n"), perms.out());
        assertTrue(perms.out().contains("openstack\t.*\t.*\t.*\n"), perms.out());
        Run vhosts = ctl("-q", "list_vhosts", "description", "name", "--no-table-headers");
        assertTrue(vhosts.out().contains("OpenStack services\topenstack\n"), "columns in the order asked: " + vhosts.out());

        assertEquals(0, ctl("authenticate_user", "openstack", "s3cret").exit());
        assertEquals(65, ctl("authenticate_user", "openstack", "wrong").exit());
        Run dup = ctl("add_user", "openstack", "x");
        assertEquals(70, dup.exit());
        assertTrue(dup.err().contains("User \"openstack\" already exists"), dup.err());
        Run nobody = ctl("delete_user", "nobody");
        assertEquals(67, nobody.exit());
        assertTrue(nobody.err().contains("no_such_user: nobody"), nobody.err());
        assertEquals(64, ctl("list_vhosts", "bogus_column").exit());
        assertEquals(64, ctl("add_user").exit(), "a missing argument is a usage error");

        assertEquals(0, ctl("set_vhost_limits", "-p", "openstack", "{\"max-connections\": 5}").exit());
        assertEquals("{\"max-connections\":5}", ctl("-q", "list_vhost_limits", "-p", "openstack").out().trim());
        assertEquals(65, ctl("set_vhost_limits", "-p", "openstack", "{\"max-things\": 5}").exit());
        assertEquals(0, ctl("clear_vhost_limits", "-p", "openstack").exit());

        Run hash = ctl("-q", "hash_password", "pw");
        assertEquals(48, hash.out().trim().length(), "4 bytes of salt and a SHA-256 digest, base64: " + hash.out());
        assertEquals(0, ctl("add_user", "prehashed", hash.out().trim(), "--pre-hashed-password").exit());
        assertEquals(0, ctl("authenticate_user", "prehashed", "pw").exit());

        assertEquals(0, ctl("change_password", "openstack", "n3w").exit());
        assertEquals(0, ctl("authenticate_user", "openstack", "n3w").exit());
        assertEquals(0, ctl("clear_password", "openstack").exit());
        assertEquals(65, ctl("authenticate_user", "openstack", "n3w").exit());
        assertEquals(0, ctl("delete_vhost", "openstack").exit());
        assertEquals(0, ctl("delete_user", "openstack").exit());
    }

    @Test
    void definitionsHealthChecksAndPlugins(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertEquals(0, ctl("add_user", "exported", "pw").exit());
        Path file = dir.resolve("defs.json");
        assertEquals(0, ctl("export_definitions", file.toString()).exit());
        String json = Files.readString(file);
        assertTrue(json.contains("\"exported\"") && json.contains("rabbit_password_hashing_sha256"), json);
        assertEquals(0, ctl("delete_user", "exported").exit());
        assertEquals(0, ctl("import_definitions", file.toString()).exit());
        assertEquals(0, ctl("authenticate_user", "exported", "pw").exit(), "the hash came back with the import");
        assertEquals(65, ctl("import_definitions", dir.resolve("missing.json").toString()).exit());

        // a large file goes in parts, with its progress: here 12 queues and a binding, 5 objects per request
        StringBuilder partQueues = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            partQueues.append(i == 0 ? "" : ",").append("{\"name\":\"part-q").append(i).append("\",\"vhost\":\"/\",\"durable\":true,")
                    .append("\"auto_delete\":false,\"arguments\":{\"x-queue-type\":\"classic\"}}");
        }
        Path big = dir.resolve("big.json");
        Files.writeString(big, "{\"rabbit_version\":\"3.10.8\",\"queues\":[" + partQueues + "],\"exchanges\":[{\"name\":\"part-x\","
                + "\"vhost\":\"/\",\"type\":\"fanout\",\"durable\":true,\"auto_delete\":false,\"internal\":false,\"arguments\":{}}],"
                + "\"bindings\":[{\"source\":\"part-x\",\"vhost\":\"/\",\"destination\":\"part-q11\",\"destination_type\":\"queue\","
                + "\"routing_key\":\"\",\"arguments\":{}}]}");
        Run parts = ctl("import_definitions", big.toString(), "--objects-per-request", "5");
        assertEquals(0, parts.exit(), parts.err());
        assertEquals(List.of("Imported 5 of 14 objects: queues", "Imported 10 of 14 objects: queues", "Imported 12 of 14 objects: queues",
                "Imported 13 of 14 objects: exchanges", "Imported 14 of 14 objects: bindings"),
                parts.out().lines().filter(l -> l.startsWith("Imported")).toList());
        assertTrue(node.node().broker().state().vhost("/").queue("part-q11") != null);
        Api api = new Api(node.node().managementPort(), "guest", "guest");
        String boundary = "----warren-test";
        byte[] form = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"defs.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"vhosts\":[{\"name\":\"uploaded\"}]}\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        Api.Reply upload = api.post("definitions", "multipart/form-data; boundary=" + boundary, form);
        assertEquals(204, upload.status(), upload.body());
        assertNotNull(node.node().broker().state().vhost("uploaded"), "a form upload's file part is imported, as the UI's import form sends it");

        assertEquals("Ping succeeded", ctl("ping").out().trim());
        assertEquals(0, ctl("check_running").exit());
        assertEquals("{\"result\":\"ok\"}", ctl("--formatter", "json", "check_local_alarms").out().trim());
        assertEquals("", ctl("check_alarms", "-s").out());
        assertEquals(0, ctl("check_port_listener", String.valueOf(node.port())).exit());
        assertEquals(69, ctl("check_port_listener", "1").exit());
        assertEquals(0, ctl("check_port_connectivity").exit());
        assertEquals(0, ctl("plugins", "enable", "rabbitmq_management", "rabbitmq_prometheus").exit());
        assertEquals(65, ctl("plugins", "enable", "rabbitmq_stomp").exit());
        assertEquals(0, ctl("enable_feature_flag", "all").exit());
        Connection toClose = node.factory().newConnection("cli-closes"); // closed by the broker, not here
        {
            Connection c = toClose;
            var closed = new java.util.concurrent.CompletableFuture<com.rabbitmq.client.ShutdownSignalException>();
            c.addShutdownListener(closed::complete);
            Run listed = ctl("-q", "list_connections", "pid", "--no-table-headers");
            String pid = listed.out().lines().filter(l -> !l.isBlank()).reduce((x, y) -> y).orElseThrow().split("\t")[0];
            assertEquals(0, ctl("close_connection", pid, "go away").exit());
            var e = closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(String.valueOf(e.getReason()).contains("320") && String.valueOf(e.getReason()).contains("go away"), String.valueOf(e.getReason()));
        }
        assertEquals(65, ctl("close_connection", "nobody/1", "x").exit());

        assertEquals(0, ctl("set_cluster_name", "prod-eu").exit());
        assertTrue(ctl("-q", "list_global_parameters", "--no-table-headers").out().contains("cluster_name\tprod-eu\n"));
        assertEquals("prod-eu", new Api(node.node().managementPort(), "guest", "guest").get("overview").json() instanceof java.util.Map<?, ?> m
                ? m.get("cluster_name") : null);
        var status = Api.JSON.readTree(ctl("--formatter", "json", "cluster_status").out());
        assertEquals("warren@test", status.get("disk_nodes").get(0).asText());
        assertEquals("warren@test", status.get("running_nodes").get(0).asText());
        assertEquals(0, status.get("ram_nodes").size());
        assertEquals("prod-eu", status.get("cluster_name").asText());
        assertTrue(ctl("cluster_status").out().contains("Disk Nodes\n\nwarren@test\n"));

        try (Connection c = node.connect(); var ch = c.createChannel()) {
            ch.queueDeclare("cli-q", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "cli-q", null, "x".getBytes());
            ch.waitForConfirmsOrDie(10_000);
        }
        Run queues = ctl("-q", "list_queues", "messages", "name", "--no-table-headers");
        assertTrue(queues.out().contains("1\tcli-q\n"), "columns in the order asked: " + queues.out());
        assertTrue(ctl("-q", "list_queues").out().contains("name\tmessages\ncli-q\t1\n"), "RabbitMQ's default columns");
        Run items = ctl("-q", "list_queues", "name", "durable", "type", "state", "messages_ready", "message_bytes", "--no-table-headers");
        assertTrue(items.out().contains("cli-q\ttrue\tquorum\trunning\t1\t\n"), "an item Warren has no figure for prints empty: " + items.out());
        assertTrue(ctl("-q", "list_queues", "--local", "name").out().contains("cli-q"), "--local: the queues this node serves");
        assertEquals("name\n", ctl("-q", "list_queues", "--offline", "name").out(), "--offline: none is down");
        assertEquals(64, ctl("list_queues", "no_such_item").exit());
        assertTrue(ctl("-q", "list_exchanges").out().contains("amq.topic\ttopic\n"));
        assertTrue(ctl("-q", "list_bindings", "--no-table-headers").out().contains("\texchange\tcli-q\tqueue\tcli-q\t"),
                "the default exchange's binding, source_name empty");
    }

    /** status, listeners, the run-time alarm thresholds and the feature flags, as rabbitmqctl and rabbitmq-diagnostics print them. */
    @Test
    void nodeStatusListenersAndThresholds() throws Exception {
        Run status = ctl("status");
        assertEquals(0, status.exit(), status.err());
        for (String section : List.of("Runtime", "Plugins", "Data directory", "Alarms", "Memory", "File Descriptors", "Free Disk Space",
                "Totals", "Listeners")) {
            assertTrue(status.out().contains("\n" + section + "\n"), section + " in " + status.out());
        }
        assertTrue(status.out().contains("Interface: [::], port: " + node.port() + ", protocol: amqp, purpose: AMQP 0-9-1"), status.out());
        var json = Api.JSON.readTree(ctl("--formatter", "json", "status").out());
        assertEquals(String.valueOf(ProcessHandle.current().pid()), json.get("pid").asText());
        assertTrue(json.get("vm_memory_high_watermark_limit").asLong() > 0);
        assertEquals(1, json.get("totals").get("virtual_host_count").asInt());
        Run listeners = ctl("-q", "listeners");
        assertTrue(listeners.out().contains("port: " + node.port() + ", protocol: amqp"), listeners.out());
        assertTrue(listeners.out().contains("port: " + node.node().managementPort() + ", protocol: http"), listeners.out());

        assertEquals(0, ctl("set_vm_memory_high_watermark", "0.0000001").exit());
        assertEquals(69, ctl("check_local_alarms").exit(), "a watermark below the heap in use raises the memory alarm");
        assertTrue(ctl("check_alarms").out().contains("memory on warren@test"));
        assertEquals(0, ctl("set_vm_memory_high_watermark", "0.4").exit());
        assertEquals(0, ctl("check_local_alarms").exit());
        assertEquals(64, ctl("set_vm_memory_high_watermark", "1.5").exit());
        assertEquals(0, ctl("set_vm_memory_high_watermark", "absolute", "64MiB").exit());
        assertEquals(64L << 20, node.node().alarms().memoryLimitBytes(), 1024.0);
        assertEquals(0, ctl("set_vm_memory_high_watermark", "0.4").exit());

        assertEquals(0, ctl("set_disk_free_limit", "1GB").exit());
        assertEquals(1_000_000_000L, node.node().alarms().diskFreeLimitBytes());
        assertEquals(0, ctl("set_disk_free_limit", "2GiB").exit());
        assertEquals(2L << 30, node.node().alarms().diskFreeLimitBytes());
        assertEquals(0, ctl("set_disk_free_limit", "50MB").exit());
        assertEquals(64, ctl("set_disk_free_limit", "lots").exit());

        assertEquals("name\tstate\n", ctl("-q", "list_feature_flags").out());

        assertEquals(0, ctl("set_parameter", "vhost-limits", "limits", "{\"max-queues\": 7}").exit());
        assertEquals("vhost-limits\tlimits\t{\"max-queues\":7}\n", ctl("-q", "list_parameters", "--no-table-headers").out());
        Api api = new Api(node.node().managementPort(), "guest", "guest");
        assertEquals(java.util.Map.of("max-queues", 7), ((java.util.Map<?, ?>) api.get("parameters/vhost-limits/%2F/limits").json()).get("value"));
        assertEquals(java.util.Map.of("max-queues", 7L), node.node().broker().state().vhost("/").limits(), "the same limits the vhost verbs set");
        Run shovel = ctl("set_parameter", "shovel", "s1", "{\"src-uri\": \"amqp://\"}");
        assertEquals(65, shovel.exit());
        assertTrue(shovel.err().contains("component shovel not found"), shovel.err());
        assertEquals(400, api.put("parameters/federation-upstream/%2F/up", java.util.Map.of("value", java.util.Map.of())).status());
        assertEquals(0, ctl("clear_parameter", "vhost-limits", "limits").exit());
        assertEquals("", ctl("-q", "list_parameters", "--no-table-headers").out());
        assertEquals(65, ctl("clear_parameter", "vhost-limits", "limits").exit(), "nothing to clear");
        assertEquals(0, ctl("check_if_node_is_quorum_critical").exit(), "a single node is never quorum critical (RabbitMQ's rule)");
    }
}
