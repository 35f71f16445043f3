package io.warren.it.ops;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.it.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Definitions both ways between Warren and Debian's RabbitMQ 3.10 (started by the test): a RabbitMQ export imports
 * into Warren, a Warren export imports into RabbitMQ, and on each side the users log in with their passwords and the
 * topology is there.
 */
class DefinitionsInteropTest {
    static RabbitMqServer rabbit;
    static TestNode warren;
    static Api rmq;
    static Api wrn;

    @BeforeAll static void up() throws Exception {
        rabbit = RabbitMqServer.start();
        warren = new TestNode().start();
        rmq = new Api(rabbit.managementPort, "guest", "guest");
        wrn = new Api(warren.node().managementPort(), "guest", "guest");
    }

    @AfterAll static void down() throws Exception {
        if (warren != null) warren.close();
        if (rabbit != null) rabbit.close();
    }

    static Connection login(int port, String user, String password, String vhost) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection();
    }

    static void created(Api.Reply r) { assertTrue(r.status() == 201 || r.status() == 204, r.status() + " " + r.body()); }

    /** The objects both tests put on the exporting side. */
    static void populate(Api api, String prefix) throws Exception {
        created(api.put("vhosts/" + prefix + "-v", Map.of("description", "made on " + prefix, "tags", "a,b")));
        created(api.put("users/" + prefix + "-user", Map.of("password", "from-" + prefix, "tags", "monitoring")));
        created(api.put("permissions/" + prefix + "-v/" + prefix + "-user", Map.of("configure", "^" + prefix + "-", "write", ".*", "read", ".*")));
        created(api.put("topic-permissions/" + prefix + "-v/" + prefix + "-user", Map.of("exchange", "amq.topic", "write", "^x\\.", "read", ".*")));
        created(api.put("permissions/" + prefix + "-v/guest", Map.of("configure", ".*", "write", ".*", "read", ".*")));
        created(api.put("queues/" + prefix + "-v/" + prefix + "-qq", Map.of("durable", true, "arguments", Map.of("x-queue-type", "quorum"))));
        created(api.put("queues/" + prefix + "-v/" + prefix + "-cq", Map.of("durable", true,
                "arguments", Map.of("x-queue-type", "classic", "x-message-ttl", 60000))));
        created(api.put("exchanges/" + prefix + "-v/" + prefix + "-x", Map.of("type", "topic", "durable", true)));
        created(api.post("bindings/" + prefix + "-v/e/" + prefix + "-x/q/" + prefix + "-qq", Map.of("routing_key", "k.#")));
        created(api.put("policies/" + prefix + "-v/" + prefix + "-lim", Map.of("pattern", "^" + prefix + "-cq$",
                "definition", Map.of("max-length", 100), "apply-to", "queues")));
        created(api.put("vhost-limits/" + prefix + "-v/max-connections", Map.of("value", 50)));
    }

    @SuppressWarnings("unchecked")
    static void check(Api api, int amqpPort, String prefix) throws Exception {
        String v = prefix + "-v";
        try (Connection c = login(amqpPort, prefix + "-user", "from-" + prefix, v)) { assertTrue(c.isOpen(), "the user and its hash came over"); }
        Map<String, Object> qq = (Map<String, Object>) api.get("queues/" + v + "/" + prefix + "-qq").json();
        assertEquals("quorum", qq.get("type"));
        Map<String, Object> cq = (Map<String, Object>) api.get("queues/" + v + "/" + prefix + "-cq").json();
        assertEquals("classic", cq.get("type"));
        assertEquals(60000, ((Map<String, Object>) cq.get("arguments")).get("x-message-ttl"));
        List<Map<String, Object>> bs = (List<Map<String, Object>>) api.get("bindings/" + v + "/e/" + prefix + "-x/q/" + prefix + "-qq").json();
        assertEquals("k.#", bs.get(0).get("routing_key"));
        Map<String, Object> p = (Map<String, Object>) api.get("policies/" + v + "/" + prefix + "-lim").json();
        assertEquals(Map.of("max-length", 100), p.get("definition"));
        List<Map<String, Object>> limits = (List<Map<String, Object>>) api.get("vhost-limits/" + v).json();
        assertEquals(Map.of("max-connections", 50), limits.get(0).get("value"));
        List<Map<String, Object>> tp = (List<Map<String, Object>>) api.get("topic-permissions/" + v + "/" + prefix + "-user").json();
        assertEquals("^x\\.", tp.get(0).get("write"));
        Map<String, Object> perm = (Map<String, Object>) api.get("permissions/" + v + "/" + prefix + "-user").json();
        assertEquals("^" + prefix + "-", perm.get("configure"));
        if (prefix.equals("warren")) { // RabbitMQ 3.10.8 exports a vhost as its name alone; Warren's export carries the metadata
            Map<String, Object> vhost = (Map<String, Object>) api.get("vhosts/" + v).json();
            assertEquals("made on " + prefix, vhost.get("description"));
        }
    }

    @Test
    void aRabbitMqExportImportsIntoWarren() throws Exception {
        populate(rmq, "rabbit");
        Api.Reply export = rmq.get("definitions");
        assertEquals(200, export.status());
        Api.Reply imported = wrn.post("definitions", export.body());
        assertTrue(imported.status() == 204 || imported.status() == 201, imported.status() + " " + imported.body());
        check(wrn, warren.port(), "rabbit");
    }

    @Test
    void aWarrenExportImportsIntoRabbitMq() throws Exception {
        populate(wrn, "warren");
        Api.Reply export = wrn.get("definitions");
        assertEquals(200, export.status());
        Api.Reply imported = rmq.post("definitions", export.body());
        assertTrue(imported.status() == 204 || imported.status() == 201, imported.status() + " " + imported.body());
        check(rmq, rabbit.amqpPort, "warren");
    }
}
