package io.warren.it;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.ops.NodeConfig;
import io.warren.ops.WarrenNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A Warren node inside the test JVM, on free loopback ports and a temporary data directory it deletes. */
public final class TestNode implements AutoCloseable {
    public final Path dataDir;
    public final NodeConfig config = new NodeConfig();
    private WarrenNode node;

    public TestNode() throws IOException {
        dataDir = Files.createTempDirectory("warren-it");
        config.nodeName = "warren@test";
        config.dataDir = dataDir;
        config.amqpBind = "127.0.0.1";
        config.raftHost = "127.0.0.1";
        config.amqpPort = freePort();
        config.raftPort = freePort();
        config.managementPort = 0; // any free port: several nodes share the host
        config.managementBind = "127.0.0.1";
        config.prometheusPort = 0;
    }

    public TestNode start() throws Exception {
        node = new WarrenNode(config).start();
        return this;
    }

    public void stop() {
        if (node != null) node.close();
        node = null;
    }

    public WarrenNode node() { return node; }

    public int port() { return config.amqpPort; }

    public ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(config.amqpPort);
        f.setAutomaticRecoveryEnabled(false);
        f.setRequestedHeartbeat(0);
        return f;
    }

    public Connection connect() throws Exception { return factory().newConnection(); }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        deleteTree(dataDir);
    }

    /**
     * Sizes of the regular files under {@code dir} whose names start with {@code prefix}, visited while a live node may be
     * deleting some of them (Ratis purges log segments as it goes): a file that vanishes mid-walk is skipped, not an error.
     */
    public static java.util.List<Long> liveFileSizes(Path dir, String prefix) throws IOException {
        java.util.List<Long> sizes = new java.util.ArrayList<>();
        if (!Files.exists(dir)) return sizes;
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && file.getFileName().toString().startsWith(prefix)) sizes.add(attrs.size());
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                if (e instanceof java.nio.file.NoSuchFileException) return java.nio.file.FileVisitResult.CONTINUE;
                throw new java.io.UncheckedIOException(e);
            }
        });
        return sizes;
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
