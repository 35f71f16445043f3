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
class ClusterListingTest {
    static TestCluster cluster;

    @BeforeAll static void up() throws Exception { cluster = new TestCluster(3).start(); }

    @AfterAll static void down() throws Exception { cluster.close(); }

    static Api api(int i) { return new Api(cluster.node(i).node().managementPort(), "guest", "guest"); }

    @Test
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

    static Connection loginTo(TestNode n) throws Exception {
        var f = n.factory();
        f.setUsername("everywhere");
        f.setPassword("pw");
        f.setVirtualHost("shared");
        return f.newConnection();
    }
}
