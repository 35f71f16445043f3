package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.UserRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** configure / write / read permissions enforced where RabbitMQ enforces them (403 ACCESS_REFUSED). */
class PermissionTest {
    static TestNode node;

    @BeforeAll static void up() throws Exception {
        node = new TestNode().start();
        var md = node.node().broker().metadata();
        md.submit(new MetadataCommand.PutUser(new UserRecord("limited", PasswordHash.hash("pw"), Set.of(), false))).get(10, TimeUnit.SECONDS);
        md.submit(new MetadataCommand.SetPermission(new Permission("limited", "/", "^cfg-", "^(w-|cfg-)", "^(r-|cfg-)"))).get(10, TimeUnit.SECONDS);
        md.submit(new MetadataCommand.AddVhost("other")).get(10, TimeUnit.SECONDS);
        try (Connection c = node.connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("w-x", "fanout");
            ch.exchangeDeclare("r-x", "fanout");
            ch.exchangeDeclare("other-x", "fanout");
            ch.queueDeclare("r-q", true, false, false, null);
            ch.queueDeclare("other-q", true, false, false, null);
        }
    }

    @AfterAll static void down() throws Exception { node.close(); }

    private static Connection limited() throws Exception {
        ConnectionFactory f = node.factory();
        f.setUsername("limited");
        f.setPassword("pw");
        return f.newConnection();
    }

    private static void refused(Connection c, String what, ThrowingOn op) throws Exception {
        Channel ch = c.createChannel();
        String t = Errors.channelError(403, () -> op.run(ch));
        assertTrue(t.contains("refused for user 'limited'"), what + ": " + t);
    }

    interface ThrowingOn { void run(Channel ch) throws Exception; }

    @Test
    void configurePermissionGuardsDeclareAndDelete() throws Exception {
        try (Connection c = limited()) {
            Channel ok = c.createChannel();
            ok.queueDeclare("cfg-q", true, false, false, null);
            ok.exchangeDeclare("cfg-x", "direct");
            refused(c, "queue.declare", ch -> ch.queueDeclare("other-new", true, false, false, null));
            refused(c, "exchange.declare", ch -> ch.exchangeDeclare("other-new-x", "direct"));
            refused(c, "queue.delete", ch -> ch.queueDelete("other-q"));
            refused(c, "exchange.delete", ch -> ch.exchangeDelete("other-x"));
            ok.queueDeclarePassive("other-q"); // passive needs no permission
        }
    }

    @Test
    void writeAndReadPermissionsGuardPublishBindConsumeGet() throws Exception {
        try (Connection c = limited()) {
            Channel ok = c.createChannel();
            ok.queueDeclare("cfg-bound", true, false, false, null);
            ok.queueBind("cfg-bound", "r-x", ""); // write on the queue (cfg-), read on the exchange (r-)
            ok.basicConsume("r-q", true, new DefaultConsumer(ok));
            ok.basicGet("r-q", true);
            refused(c, "queue.bind without read on the exchange", ch -> ch.queueBind("cfg-bound", "w-x", ""));
            refused(c, "basic.consume without read", ch -> ch.basicConsume("other-q", true, new DefaultConsumer(ch)));
            refused(c, "basic.get without read", ch -> ch.basicGet("other-q", true));
            refused(c, "queue.purge without read", ch -> ch.queuePurge("other-q"));
            Channel pub = c.createChannel();
            pub.basicPublish("other-x", "", null, new byte[0]);
            String t = Errors.channelError(403, () -> pub.queueDeclare("cfg-q2", true, false, false, null));
            assertTrue(t.contains("access to exchange 'other-x' in vhost '/' refused for user 'limited'"), t);
            Channel pub2 = c.createChannel();
            pub2.confirmSelect();
            pub2.basicPublish("w-x", "", null, new byte[0]);
            pub2.waitForConfirmsOrDie(10_000);
        }
    }

    @Test
    void vhostWithoutPermissionIsRefused() throws Exception {
        ConnectionFactory f = node.factory();
        f.setUsername("limited");
        f.setPassword("pw");
        f.setVirtualHost("other");
        String t = Errors.connectionError(530, f::newConnection);
        assertTrue(t.contains("access to vhost 'other' refused for user 'limited'"), t);
    }
}
