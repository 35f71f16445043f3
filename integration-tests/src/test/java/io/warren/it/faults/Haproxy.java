package io.warren.it.faults;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's HAProxy in front of every node (TCP mode, health checks), as the seed deployments run; one address for clients. */
final class Haproxy implements AutoCloseable {
    private final Process process;
    private final Path config;
    final int port;

    private Haproxy(Process process, Path config, int port) {
        this.process = process;
        this.config = config;
        this.port = port;
    }

    static Haproxy start(FaultCluster cluster) throws Exception {
        Sh.ensure("haproxy", "haproxy");
        int port = io.warren.it.TestNode.freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 4096
                defaults
                  mode tcp
                  timeout connect 2s
                  timeout client 120s
                  timeout server 120s
                frontend amqp
                  bind 127.0.0.1:%d
                  default_backend warren
                backend warren
                  balance roundrobin
                """.formatted(port));
        for (FaultNode f : cluster.nodes) {
            cfg.append("  server n").append(f.index).append(' ').append(f.ip).append(':').append(FaultNode.AMQP_PORT)
                    .append(" check inter 500 fall 2 rise 2 on-marked-down shutdown-sessions\n");
        }
        Path config = Files.createTempFile("warren-haproxy", ".cfg");
        Files.writeString(config, cfg);
        Process p = new ProcessBuilder("haproxy", "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(cluster.root.resolve("haproxy.log").toFile())).start();
        Haproxy h = new Haproxy(p, config, port);
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try (Connection c = h.factory().newConnection()) {
                return h;
            } catch (Exception e) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    h.close();
                    throw new IllegalStateException("haproxy did not come up: " + Files.readString(cluster.root.resolve("haproxy.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** amqp-client with automatic connection recovery through the one HAProxy address. */
    ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(500);
        f.setConnectionTimeout(3_000);
        f.setRequestedHeartbeat(3);
        return f;
    }

    QueueWorkload.Endpoint endpoint() {
        return new QueueWorkload.Endpoint() {
            @Override public Connection connect(int client, int attempt) throws Exception { return factory().newConnection("client-" + client); }

            @Override public boolean recovers() { return true; }
        };
    }

    @Override public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        Files.deleteIfExists(config);
    }
}
