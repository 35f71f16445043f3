package io.warren.it.ops;

import io.warren.it.TestNode;
import io.warren.it.faults.Sh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RabbitMQ's own rabbitmqadmin (the Python script in Debian's rabbitmq-server package, installed if missing) driving
 * Warren's management API: declare, list, publish, get, users, permissions, policies, definitions.
 */
class RabbitmqadminTest {
    static TestNode node;
    static String script;

    @BeforeAll static void up() throws Exception {
        Sh.ensurePackages("rabbitmq-server");
        script = Files.exists(Path.of("/usr/bin/rabbitmqadmin")) ? "/usr/bin/rabbitmqadmin" : null;
        if (script == null) {
            try (var s = Files.find(Path.of("/usr/lib/rabbitmq"), 8, (p, a) -> p.getFileName().toString().equals("rabbitmqadmin"))) {
                script = s.findFirst().orElseThrow(() -> new AssertionError("rabbitmqadmin not found in Debian's rabbitmq-server")).toString();
            }
        }
        node = new TestNode().start();
    }

    @AfterAll static void down() throws Exception { if (node != null) node.close(); }

    record Run(int exit, String out) { }

    static Run admin(String user, String password, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", script, "-H", "127.0.0.1", "-P", String.valueOf(node.node().managementPort()),
                "-u", user, "-p", password));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rabbitmqadmin " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), out);
    }

    static String ok(String... args) throws Exception {
        Run r = admin("guest", "guest", args);
        assertEquals(0, r.exit(), "rabbitmqadmin " + String.join(" ", args) + ": " + r.out());
        return r.out();
    }

    @Test
    void declaresListsPublishesAndGets() throws Exception {
        assertTrue(ok("declare", "queue", "name=adm-q", "durable=true", "arguments={\"x-queue-type\":\"quorum\"}").contains("queue declared"));
        ok("declare", "exchange", "name=adm-x", "type=topic");
        ok("declare", "binding", "source=adm-x", "destination=adm-q", "routing_key=a.#");
        assertTrue(ok("publish", "exchange=adm-x", "routing_key=a.b", "payload=hello from rabbitmqadmin").contains("Message published"));
        String queues = ok("-f", "tsv", "list", "queues", "name", "type", "messages");
        assertTrue(queues.contains("adm-q\tquorum\t1"), queues);
        String got = ok("-f", "tsv", "get", "queue=adm-q", "ackmode=ack_requeue_false");
        assertTrue(got.contains("hello from rabbitmqadmin"), got);
        String bindings = ok("-f", "tsv", "list", "bindings", "source", "destination", "routing_key");
        assertTrue(bindings.contains("adm-x\tadm-q\ta.#"), bindings);
        ok("delete", "queue", "name=adm-q");
        assertFalse(ok("-f", "tsv", "list", "queues", "name").contains("adm-q"));
    }

    @Test
    void usersPermissionsPoliciesAndDefinitions(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        ok("declare", "user", "name=ops", "password=pw", "tags=monitoring");
        ok("declare", "vhost", "name=adm-v");
        ok("declare", "permission", "vhost=adm-v", "user=ops", "configure=.*", "write=.*", "read=.*");
        assertTrue(ok("-f", "tsv", "list", "users", "name", "tags").contains("ops\tmonitoring"));
        assertTrue(ok("-f", "tsv", "list", "permissions", "vhost", "user").contains("adm-v\tops"));
        Run refused = admin("ops", "pw", "list", "users");
        assertNotEquals(0, refused.exit(), "a monitoring user may not list users: " + refused.out());
        assertTrue(refused.out().contains("Access refused: /api/users"), "rabbitmqadmin's answer to a 401: " + refused.out());
        Run bad = admin("ops", "wrong", "list", "vhosts");
        assertNotEquals(0, bad.exit());
        assertTrue(bad.out().contains("Access refused") || bad.out().contains("401"), bad.out());

        ok("declare", "policy", "name=lim", "pattern=^lim\\.", "definition={\"max-length\":3}", "apply-to=queues");
        assertTrue(ok("-f", "tsv", "list", "policies", "name", "pattern").contains("lim\t^lim\\."));

        Path file = dir.resolve("warren.json");
        assertTrue(ok("export", file.toString()).contains("Exported definitions"));
        String json = Files.readString(file);
        assertTrue(json.contains("\"ops\"") && json.contains("\"lim\"") && json.contains("\"adm-v\""), json);
        ok("delete", "policy", "name=lim");
        ok("delete", "user", "name=ops");
        assertTrue(ok("import", file.toString()).contains("Uploaded definitions"));
        assertTrue(ok("-f", "tsv", "list", "users", "name").contains("ops"), "the user came back with the import");
        assertTrue(ok("-f", "tsv", "list", "policies", "name").contains("lim"));
        ok("delete", "vhost", "name=adm-v");
    }
}
