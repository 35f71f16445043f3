package io.warren.it.ops;

import com.rabbitmq.client.Connection;
import io.warren.it.TestNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** default_user, default_pass, default_vhost, default_user_tags, default_permissions: used at the first boot only. */
class FirstBootTest {
    @Test
    void theDefaultUserComesFromConfigAtTheFirstBootOnly() throws Exception {
        try (TestNode n = new TestNode()) {
            n.config.set("default_user", "admin");
            n.config.set("default_pass", "first");
            n.config.set("default_vhost", "app");
            n.config.set("default_user_tags.administrator", "false");
            n.config.set("default_user_tags.monitoring", "true");
            n.config.set("default_permissions.configure", "^admin-");
            n.start();
            var f = n.factory();
            f.setUsername("admin");
            f.setPassword("first");
            f.setVirtualHost("app");
            try (Connection c = f.newConnection()) { assertTrue(c.isOpen()); }
            assertThrows(IOException.class, () -> n.factory().newConnection().close(), "no guest on this cluster");
            Api api = new Api(n.node().managementPort(), "admin", "first");
            assertEquals(java.util.List.of("monitoring"), ((Map<?, ?>) api.get("whoami").json()).get("tags"));
            assertEquals(401, api.get("users").status(), "monitoring, not administrator");

            n.stop();
            n.config.set("default_pass", "second"); // a restart does not create or change the default user again
            n.start();
            try (Connection c = f.newConnection()) { assertTrue(c.isOpen(), "the first password still works"); }
            f.setPassword("second");
            assertThrows(IOException.class, () -> f.newConnection().close());
        }
    }

    @Test
    void loadDefinitionsImportsAFileAtBoot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("defs.json");
        java.nio.file.Files.writeString(file, """
                {"vhosts": [{"name": "booted"}],
                 "users": [{"name": "svc", "password_hash": "", "tags": ["management"]}],
                 "permissions": [{"user": "guest", "vhost": "booted", "configure": ".*", "write": ".*", "read": ".*"}],
                 "queues": [{"name": "from-file", "vhost": "booted", "durable": true, "auto_delete": false,
                             "arguments": {"x-queue-type": "quorum"}}]}
                """);
        try (TestNode n = new TestNode()) {
            n.config.set("load_definitions", file.toString());
            n.start();
            var q = n.node().broker().state().vhost("booted").queue("from-file");
            assertNotNull(q, "the file's queue");
            assertEquals(io.warren.metadata.model.QueueType.QUORUM, q.type());
            assertNotNull(n.node().broker().state().user("svc"));
        }
    }
}
