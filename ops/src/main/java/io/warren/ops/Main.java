package io.warren.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code warren server}: runs a node in the foreground until SIGTERM/SIGINT. */
@Command(name = "warren-server", mixinStandardHelpOptions = true,
        description = "Runs a Warren broker node in the foreground.")
public final class Main implements Callable<Integer> {
    @Option(names = "--config", description = "config file (key = value, as rabbitmq.conf)")
    Path configFile;

    @Option(names = "--node-name", description = "node name (default warren@<host>)")
    String nodeName;

    @Option(names = "--data-dir", description = "data directory (default ./data)")
    Path dataDir;

    @Option(names = "--amqp-port", description = "AMQP port (default 5672)")
    Integer amqpPort;

    @Option(names = "--raft-port", description = "Raft port between nodes (default 25672)")
    Integer raftPort;

    @Option(names = "--management-port", description = "management HTTP API port (default 15672; 0: any free port; -1: off)")
    Integer managementPort;

    @Option(names = "--prometheus-port", description = "Prometheus metrics port (default 15692; 0: any free port; -1: off)")
    Integer prometheusPort;

    @Option(names = "--peer", description = "a cluster node as name@host:raft_port (repeat for each node, this one included)")
    java.util.List<String> peers;

    @Option(names = "--join", description = "Raft address (host:port) of a running node whose cluster to join")
    String join;

    @Option(names = "--cluster-secret", description = "secret shared by the cluster's nodes")
    String secret;

    @Option(names = "--set", description = "any config key, e.g. --set heartbeat=30")
    Map<String, String> settings;

    @Override
    public Integer call() throws Exception {
        NodeConfig c = new NodeConfig();
        if (configFile != null) c.load(configFile);
        if (settings != null) settings.forEach(c::set);
        if (nodeName != null) c.nodeName = nodeName;
        if (dataDir != null) c.dataDir = dataDir;
        if (amqpPort != null) c.amqpPort = amqpPort;
        if (raftPort != null) c.raftPort = raftPort;
        if (managementPort != null) c.managementPort = managementPort;
        if (prometheusPort != null) c.prometheusPort = prometheusPort;
        if (peers != null) peers.forEach(c::addPeer);
        if (join != null) c.joinAddress = join;
        if (secret != null) c.clusterSecret = secret;
        WarrenNode node = new WarrenNode(c);
        try {
            node.start();
        } catch (Exception e) {
            System.err.println("warren: node failed to start: " + e.getMessage());
            e.printStackTrace();
            Runtime.getRuntime().halt(1); // Ratis leaves non-daemon threads behind otherwise
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
            Runtime.getRuntime().halt(0); // stopped cleanly: exit 0 rather than the JVM's 143 for SIGTERM
        }, "warren-shutdown"));
        stopped.await();
        return 0;
    }

    /** Held so the level sticks (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

    public static void main(String[] args) {
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        int rc = new CommandLine(new Main()).execute(args);
        if (rc != 0) System.exit(rc);
    }
}
