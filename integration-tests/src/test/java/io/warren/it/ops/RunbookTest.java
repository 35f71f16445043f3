package io.warren.it.ops;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The seed runbooks' steps typed as they are, through the bin/ wrappers (as a shell runs them, each its own process), against
 * a 3-node cluster: the node and its secret come from WARREN_NODE and WARREN_CLUSTER_SECRET, as RABBITMQ_NODENAME and the
 * cookie do for rabbitmqctl.
 */
class RunbookTest {
    static TestCluster cluster;
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @BeforeAll static void up() throws Exception { cluster = new TestCluster(3).start(); }

    @AfterAll static void down() throws Exception { cluster.close(); }

    record Run(int exit, String out) { }

    /** Runs one line in bash with bin/ on the PATH, against node {@code i}. */
    static Run sh(int i, String line) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true);
        pb.environment().put("PATH", ROOT.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("WARREN_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("WARREN_NODE", "127.0.0.1:" + cluster.node(i).config.raftPort);
        pb.environment().put("WARREN_CLUSTER_SECRET", "test-secret");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), line + " did not finish");
        return new Run(p.exitValue(), out);
    }

    static String ok(int i, String line) throws Exception {
        Run r = sh(i, line);
        assertEquals(0, r.exit(), line + ":\n" + r.out());
        return r.out();
    }

    @Test
    void theSeedRunbookStepsRunVerbatim(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        ok(0, "rabbitmq-plugins enable rabbitmq_management");
        ok(0, "rabbitmqctl add_user openstack RABBIT_PASS");
        ok(1, "rabbitmqctl set_permissions openstack \".*\" \".*\" \".*\"");
        ok(2, "rabbitmqctl set_user_tags openstack administrator");
        ok(0, "rabbitmqctl set_policy ha-all '^(?!amq\\.).*' '{\"ha-mode\": \"all\"}'");
        var f = cluster.node(1).factory();
        f.setUsername("openstack");
        f.setPassword("RABBIT_PASS");
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("nova", true, false, false, java.util.Map.of("x-queue-type", "quorum"));
            ch.confirmSelect();
            ch.basicPublish("", "nova", null, "cast".getBytes());
            ch.waitForConfirmsOrDie(10_000);
        }
        String users = ok(2, "rabbitmqctl list_users");
        assertTrue(users.contains("openstack\t[administrator]"), users);
        String policies = ok(1, "rabbitmqctl list_policies");
        assertTrue(policies.contains("ha-all") && policies.contains("^(?!amq\\.).*"), policies);
        String queues = ok(2, "rabbitmqctl list_queues");
        assertTrue(queues.contains("nova\t1"), "name and messages, from any node: " + queues);
        String members = ok(0, "rabbitmqctl list_queues name type leader members online");
        assertTrue(members.lines().anyMatch(l -> l.startsWith("nova\tquorum\t") && l.split("\t")[4].split(",").length == 3), members);
        String status = ok(1, "rabbitmqctl cluster_status");
        for (int i = 0; i < 3; i++) assertTrue(status.contains(cluster.node(i).config.nodeName), status);
        ok(0, "rabbitmq-diagnostics ping");
        ok(0, "rabbitmq-queues check_if_node_is_quorum_critical");
        ok(2, "rabbitmqctl delete_user guest");
        Path defs = dir.resolve("defs.json");
        ok(0, "rabbitmqctl export_definitions " + defs);
        String exported = Files.readString(defs);
        assertTrue(exported.contains("\"openstack\"") && exported.contains("\"ha-all\"") && exported.contains("\"nova\""), exported);
        assertFalse(exported.contains("\"name\":\"guest\""), "guest was deleted");
        Run unknown = sh(0, "rabbitmqctl list_queues no_such_column");
        assertEquals(64, unknown.exit(), unknown.out());
        assertTrue(List.of(unknown.out().split("\n")).stream().anyMatch(l -> l.contains("Valid keys")), unknown.out());
    }
}
