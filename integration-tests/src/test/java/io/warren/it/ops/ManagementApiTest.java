package io.warren.it.ops;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.it.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The management API as RabbitMQ's clients use it (status codes, error bodies, tag rules), and the access control it
 * sets enforced on AMQP: users and their hashes, vhosts, permissions, topic permissions, limits.
 */
class ManagementApiTest {
    static TestNode node;
    static Api admin;

    @BeforeAll static void up() throws Exception {
        node = new TestNode().start();
        admin = new Api(node.node().managementPort(), "guest", "guest");
    }

    @AfterAll static void down() throws Exception { node.close(); }

    static ConnectionFactory as(String user, String password, String vhost) {
        ConnectionFactory f = node.factory();
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        return f;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Api.Reply r) throws Exception { return (Map<String, Object>) r.json(); }

    @Test
    void loginsAndTagsAreCheckedAsRabbitMqChecksThem() throws Exception {
        Api.Reply anonymous = new Api(node.node().managementPort(), null, null).get("overview");
        assertEquals(401, anonymous.status());
        assertEquals("Basic realm=\"RabbitMQ Management\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, admin.as("guest", "wrong").get("overview").status());
        assertEquals("not_authorised", map(admin.as("guest", "wrong").get("overview")).get("error"));

        assertEquals(201, admin.put("users/tagless", Map.of("password", "t", "tags", "")).status());
        assertEquals("Not management user", map(admin.as("tagless", "t").get("overview")).get("reason"));
        assertEquals(201, admin.put("users/watcher", Map.of("password", "w", "tags", "monitoring")).status());
        Api.Reply refused = admin.as("watcher", "w").get("users");
        assertEquals(401, refused.status());
        assertEquals(Map.of("error", "not_authorised", "reason", "Not administrator user"), refused.json());
        assertEquals(200, admin.as("watcher", "w").get("nodes").status(), "monitoring sees the nodes");

        assertEquals(201, admin.put("users/mgr", Map.of("password", "m", "tags", List.of("management"))).status());
        assertEquals(201, admin.put("vhosts/team", Map.of("description", "the team's")).status());
        assertEquals(201, admin.put("permissions/team/mgr", Map.of("configure", ".*", "write", ".*", "read", ".*")).status());
        List<?> seen = (List<?>) admin.as("mgr", "m").get("vhosts").json();
        assertEquals(List.of("team"), seen.stream().map(v -> ((Map<?, ?>) v).get("name")).toList(), "a management user sees its vhosts only");
        assertEquals(401, admin.as("mgr", "m").get("queues/%2F").status(), "nor the queues of others");
        assertEquals("Not policymaker user", map(admin.as("mgr", "m").put("policies/team/p",
                Map.of("pattern", ".*", "definition", Map.of("max-length", 1)))).get("reason"));
        assertEquals(204, admin.delete("users/tagless").status());
        assertEquals(404, admin.delete("users/tagless").status());
    }

    @Test
    void errorsCarryRabbitMqsStatusAndBody() throws Exception {
        Api.Reply missing = admin.get("queues/%2F/nope");
        assertEquals(404, missing.status());
        assertEquals("not_found", map(missing).get("error"));
        Api.Reply noTags = admin.put("users/x", Map.of("password", "p"));
        assertEquals(400, noTags.status());
        assertEquals("bad_request", map(noTags).get("error"));
        assertTrue(String.valueOf(map(noTags).get("reason")).contains("tags"), noTags.body());
        assertEquals(400, admin.put("users/x", "{not json").status());
        assertEquals(400, admin.put("permissions/%2F/guest", Map.of("configure", "(", "write", ".*", "read", ".*")).status(),
                "an expression that does not compile");
        assertEquals(404, admin.get("no/such/path").status());
        assertEquals(405, admin.post("overview", Map.of()).status());
    }

    @Test
    void usersMadeThroughTheApiLogInOverAmqpWithEachHashAlgorithm() throws Exception {
        assertEquals(201, admin.put("users/app", Map.of("password", "s3cret", "tags", "")).status());
        assertEquals(204, admin.put("users/app", Map.of("password", "s3cret2", "tags", "")).status(), "an update is 204");
        assertEquals(201, admin.put("permissions/%2F/app", Map.of("configure", ".*", "write", ".*", "read", ".*")).status());
        try (Connection c = as("app", "s3cret2", "/").newConnection()) { assertTrue(c.isOpen()); }
        assertThrows(IOException.class, () -> as("app", "s3cret", "/").newConnection().close(), "the old password is gone");

        // hashes made elsewhere (an imported RabbitMQ user): salt ++ digest(salt ++ password), base64
        for (String[] alg : new String[][]{{"SHA-512", "rabbit_password_hashing_sha512"}, {"MD5", "rabbit_password_hashing_md5"}}) {
            byte[] salt = {1, 2, 3, 4};
            var md = java.security.MessageDigest.getInstance(alg[0]);
            md.update(salt);
            md.update("imported".getBytes());
            byte[] d = md.digest();
            byte[] hash = new byte[4 + d.length];
            System.arraycopy(salt, 0, hash, 0, 4);
            System.arraycopy(d, 0, hash, 4, d.length);
            String name = "imp-" + alg[0];
            assertEquals(201, admin.put("users/" + name, Map.of("password_hash", java.util.Base64.getEncoder().encodeToString(hash),
                    "hashing_algorithm", alg[1], "tags", "")).status());
            admin.put("permissions/%2F/" + name, Map.of("configure", ".*", "write", ".*", "read", ".*"));
            try (Connection c = as(name, "imported", "/").newConnection()) { assertTrue(c.isOpen(), alg[1]); }
            assertEquals(alg[1], map(admin.get("users/" + name)).get("hashing_algorithm"));
        }
        assertEquals(201, admin.put("users/nopass", Map.of("password_hash", "", "tags", "")).status());
        admin.put("permissions/%2F/nopass", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        assertThrows(IOException.class, () -> as("nopass", "", "/").newConnection().close(), "no password: no password login");
    }

    @Test
    void topicPermissionsAreCheckedOnPublishAndBind() throws Exception {
        admin.put("users/topical", Map.of("password", "t", "tags", ""));
        admin.put("permissions/%2F/topical", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        assertEquals(201, admin.put("topic-permissions/%2F/topical", Map.of("exchange", "amq.topic",
                "write", "^{username}\\.", "read", "^r\\.")).status());
        try (Connection c = as("topical", "t", "/").newConnection()) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.basicPublish("amq.topic", "topical.ok", null, new byte[0]);
            assertTrue(ch.waitForConfirms(10_000), "a key the expression allows");
            ch.basicPublish("amq.topic", "other.key", null, new byte[0]);
            ShutdownSignalException e = assertThrows(ShutdownSignalException.class, () -> ch.waitForConfirms(10_000));
            assertTrue(e.getMessage().contains("403"), e.getMessage());
            assertTrue(e.getMessage().contains("access to topic 'other.key' in exchange 'amq.topic'"), e.getMessage());

            Channel ch2 = c.createChannel();
            String q = ch2.queueDeclare().getQueue();
            ch2.queueBind(q, "amq.topic", "r.allowed");
            IOException bind = assertThrows(IOException.class, () -> ch2.queueBind(q, "amq.topic", "w.denied"));
            assertTrue(String.valueOf(bind.getCause()).contains("403"), String.valueOf(bind.getCause()));
            Channel ch3 = c.createChannel();
            ch3.exchangeDeclare("t-direct", "direct");
            ch3.basicPublish("t-direct", "anything", null, new byte[0]); // not a topic exchange: not checked
            ch3.exchangeDeclare("t-other", "topic");
            ch3.basicPublish("t-other", "any.key", null, new byte[0]); // no topic permission on this exchange: allowed
            ch3.confirmSelect();
            ch3.basicPublish("t-other", "x", null, new byte[0]);
            assertTrue(ch3.waitForConfirms(10_000));
        }
    }

    @Test
    void limitsRefuseWithRabbitMqsCodes() throws Exception {
        assertEquals(201, admin.put("vhosts/limited", Map.of()).status());
        admin.put("permissions/limited/guest", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        assertEquals(204, admin.put("vhost-limits/limited/max-connections", Map.of("value", 1)).status());
        assertEquals(204, admin.put("vhost-limits/limited/max-queues", Map.of("value", 1)).status());
        assertEquals(400, admin.put("vhost-limits/limited/max-bananas", Map.of("value", 1)).status());
        try (Connection first = as("guest", "guest", "limited").newConnection()) {
            IOException e = assertThrows(IOException.class, () -> as("guest", "guest", "limited").newConnection().close());
            assertTrue(String.valueOf(e.getCause()).contains("530"), String.valueOf(e.getCause()));
            assertTrue(String.valueOf(e.getCause()).contains("connection limit (1) is reached"), String.valueOf(e.getCause()));
            Channel ch = first.createChannel();
            ch.queueDeclare("one", true, false, false, null);
            IOException q = assertThrows(IOException.class, () -> ch.queueDeclare("two", true, false, false, null));
            assertTrue(String.valueOf(q.getCause()).contains("406"), String.valueOf(q.getCause()));
            assertTrue(String.valueOf(q.getCause()).contains("queue limit in vhost 'limited' (1) is reached"), String.valueOf(q.getCause()));
        }
        try (Connection again = as("guest", "guest", "limited").newConnection()) {
            assertTrue(again.isOpen(), "the closed connection no longer counts");
        }
        assertEquals(204, admin.delete("vhost-limits/limited/max-connections").status());

        admin.put("users/chatty", Map.of("password", "c", "tags", ""));
        admin.put("permissions/%2F/chatty", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        assertEquals(204, admin.put("user-limits/chatty/max-channels", Map.of("value", 1)).status());
        try (Connection c = as("chatty", "c", "/").newConnection()) {
            c.createChannel();
            Exception e = assertThrows(Exception.class, () -> { c.createChannel(); c.createChannel(); });
            assertFalse(c.isOpen(), "a channel over the limit closes the connection (530)");
            assertTrue(String.valueOf(c.getCloseReason()).contains("530"), String.valueOf(c.getCloseReason()));
        } catch (AlreadyClosedException expected) {
            // closing an already closed connection
        }
    }

    @Test
    void deletingAVhostDeletesItsQueuesAndPermissions() throws Exception {
        assertEquals(201, admin.put("vhosts/doomed", Map.of("default_queue_type", "quorum")).status());
        admin.put("permissions/doomed/guest", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        try (Connection c = as("guest", "guest", "doomed").newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("q", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "q", null, "m".getBytes());
            ch.waitForConfirmsOrDie(10_000);
        }
        assertEquals("quorum", ((List<Map<String, Object>>) (List<?>) admin.get("queues/doomed").json()).get(0).get("type"));
        assertEquals(204, admin.delete("vhosts/doomed").status());
        assertEquals(404, admin.get("vhosts/doomed").status());
        assertTrue(node.node().broker().state().allQueues().stream().noneMatch(q -> q.vhost().equals("doomed")));
        assertTrue(node.node().broker().state().permissions().stream().noneMatch(p -> p.vhost().equals("doomed")));
        assertThrows(IOException.class, () -> as("guest", "guest", "doomed").newConnection().close());
    }

    /** As RabbitMQ: the open connections of a deleted vhost, and of a deleted user, are closed with 320 and say why. */
    @Test
    void deletingAVhostOrAUserClosesTheirConnections() throws Exception {
        assertEquals(201, admin.put("vhosts/going", Map.of()).status());
        assertEquals(201, admin.put("users/leaving", Map.of("password", "pw", "tags", "")).status());
        admin.put("permissions/going/guest", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        admin.put("permissions/%2F/leaving", Map.of("configure", ".*", "write", ".*", "read", ".*"));
        Connection inVhost = as("guest", "guest", "going").newConnection(); // closed by the broker, not here
        Connection ofUser = as("leaving", "pw", "/").newConnection();
        try (Connection bystander = as("guest", "guest", "/").newConnection()) {
            var vhostClosed = new java.util.concurrent.CompletableFuture<ShutdownSignalException>();
            var userClosed = new java.util.concurrent.CompletableFuture<ShutdownSignalException>();
            inVhost.addShutdownListener(vhostClosed::complete);
            ofUser.addShutdownListener(userClosed::complete);
            assertEquals(204, admin.delete("vhosts/going").status());
            String why = String.valueOf(vhostClosed.get(10, java.util.concurrent.TimeUnit.SECONDS).getReason());
            assertTrue(why.contains("320") && why.contains("vhost 'going' is deleted"), why);
            assertTrue(ofUser.isOpen(), "another vhost's connection stays");
            assertEquals(204, admin.delete("users/leaving").status());
            why = String.valueOf(userClosed.get(10, java.util.concurrent.TimeUnit.SECONDS).getReason());
            assertTrue(why.contains("320") && why.contains("user 'leaving' is deleted"), why);
            assertTrue(bystander.isOpen(), "other connections stay open");
        } finally {
            inVhost.abort();
            ofUser.abort();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void queuesExchangesBindingsAndMessagesThroughTheApi() throws Exception {
        assertEquals(201, admin.put("queues/%2F/api-q", Map.of("durable", true, "arguments", Map.of("x-queue-type", "quorum"))).status());
        assertEquals(204, admin.put("queues/%2F/api-q", Map.of("durable", true, "arguments", Map.of("x-queue-type", "quorum"))).status());
        assertEquals(400, admin.put("queues/%2F/api-q", Map.of("durable", true, "arguments", Map.of("x-queue-type", "classic"))).status(),
                "inequivalent redeclare");
        assertEquals(201, admin.put("exchanges/%2F/api-x", Map.of("type", "topic")).status());
        Api.Reply bound = admin.post("bindings/%2F/e/api-x/q/api-q", Map.of("routing_key", "k.*"));
        assertEquals(201, bound.status());
        String location = bound.headers().firstValue("Location").orElseThrow();
        assertEquals(200, admin.get("bindings/%2F/e/api-x/q/api-q/" + location).status());
        assertEquals(Map.of("routed", true), admin.post("exchanges/%2F/api-x/publish", Map.of("routing_key", "k.1", "payload", "héllo",
                "payload_encoding", "string", "properties", Map.of("delivery_mode", 2, "headers", Map.of("h", "v")))).json());
        assertEquals(Map.of("routed", false), admin.post("exchanges/%2F/api-x/publish", Map.of("routing_key", "none",
                "payload", "x", "properties", Map.of())).json());
        List<Map<String, Object>> got = (List<Map<String, Object>>) admin.post("queues/%2F/api-q/get",
                Map.of("count", 5, "ackmode", "ack_requeue_true", "encoding", "auto")).json();
        assertEquals(1, got.size());
        assertEquals("héllo", got.get(0).get("payload"));
        assertEquals("k.1", got.get(0).get("routing_key"));
        assertEquals(Map.of("h", "v"), ((Map<String, Object>) got.get(0).get("properties")).get("headers"));
        got = (List<Map<String, Object>>) admin.post("queues/%2F/api-q/get", Map.of("count", 1, "ackmode", "ack_requeue_false")).json();
        assertEquals(true, got.get(0).get("redelivered"), "requeued by the first get");
        assertEquals(List.of(), admin.post("queues/%2F/api-q/get", Map.of("count", 1, "ackmode", "ack_requeue_false")).json());
        assertEquals(204, admin.delete("bindings/%2F/e/api-x/q/api-q/" + location).status());
        assertEquals(204, admin.delete("exchanges/%2F/api-x").status());
        assertEquals(204, admin.delete("queues/%2F/api-q").status());
        assertEquals(404, admin.get("queues/%2F/api-q").status());
    }

    @Test
    @SuppressWarnings("unchecked")
    void anOperatorClosesAConnectionWith320() throws Exception {
        Connection c = node.factory().newConnection("to-close"); // closed by the broker, not here
        {
            var closed = new java.util.concurrent.CompletableFuture<ShutdownSignalException>();
            c.addShutdownListener(closed::complete);
            String name = null;
            for (Map<String, Object> conn : (List<Map<String, Object>>) admin.get("connections").json()) {
                Map<String, Object> props = (Map<String, Object>) conn.get("client_properties");
                if ("to-close".equals(String.valueOf(props.get("connection_name")))) name = String.valueOf(conn.get("name"));
            }
            assertNotNull(name, "the connection is listed with its client-given name");
            assertEquals(404, admin.call("DELETE", "connections/" + Api.enc("nobody/1"), null).status());
            assertEquals(204, admin.call("DELETE", "connections/" + Api.enc(name), null).status());
            ShutdownSignalException e = closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(String.valueOf(e.getReason()).contains("320"), String.valueOf(e.getReason()));
            assertTrue(String.valueOf(e.getReason()).contains("Closed via management plugin"), String.valueOf(e.getReason()));
            assertFalse(c.isOpen());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void listingsPageAndPickColumns() throws Exception {
        for (int i = 0; i < 12; i++) admin.put("queues/%2F/page-" + (char) ('a' + i), Map.of("durable", false, "arguments", Map.of()));
        Map<String, Object> page = map(admin.get("queues/%2F?page=2&page_size=5&name=page-&columns=name,type&sort=name"));
        assertEquals(12, page.get("filtered_count"));
        assertEquals(5, page.get("item_count"));
        assertEquals(3, page.get("page_count"));
        List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
        assertEquals(Map.of("name", "page-f", "type", "classic"), items.get(0));
        assertEquals(400, admin.get("queues/%2F?page=1&page_size=501").status());
        List<Map<String, Object>> regex = (List<Map<String, Object>>) admin.get("queues/%2F?name=%5Epage-%5Bab%5D%24&use_regex=true&columns=name").json();
        assertEquals(List.of(Map.of("name", "page-a"), Map.of("name", "page-b")), regex);
        for (int i = 0; i < 12; i++) admin.delete("queues/%2F/page-" + (char) ('a' + i));
    }
}
