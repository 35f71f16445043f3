package io.warren.ops;

import io.warren.amqp.connection.AmqpConfig;
import io.warren.amqp.server.AmqpServer;
import io.warren.raft.RaftBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;

/** One broker node wired together: alarms, the Raft-backed broker, the AMQP listener. */
public final class WarrenNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarrenNode.class);

    private final NodeConfig config;
    private ResourceAlarms alarms;
    private RaftBroker broker;
    private AmqpServer amqp;
    private io.warren.ops.http.ManagementApi management;
    private io.warren.ops.http.HttpApiServer http;
    private io.warren.ops.http.HttpApiServer metrics;

    public WarrenNode(NodeConfig config) { this.config = config; }

    public WarrenNode start() throws Exception {
        Files.createDirectories(config.dataDir);
        alarms = new ResourceAlarms(config.dataDir, config.memoryHighWatermark, config.diskFreeLimit);
        java.util.List<io.warren.metadata.model.NodeRecord> peers = new java.util.ArrayList<>();
        config.peers.forEach((name, address) -> peers.add(new io.warren.metadata.model.NodeRecord(name, address)));
        broker = new RaftBroker(new RaftBroker.Config(config.nodeName, config.dataDir.toAbsolutePath(), config.raftHost(),
                config.raftPort, config.snapshotThreshold, config.messageCacheBytes, peers, config.clusterSecret,
                config.joinAddress, config.defaultQueueType, config.firstBoot()), alarms);
        broker.start(120_000);
        alarms.start();
        amqp = new AmqpServer(broker, AmqpConfig.defaults(config.amqpBind, config.amqpPort)
                .withHeartbeat(config.heartbeatSeconds)
                .withLimits(config.frameMax, config.channelMax, config.maxMessageSize)
                .withHandshakeTimeout(config.handshakeTimeoutMs)
                .withConsumerTimeout(config.consumerTimeoutMs)
                .withLoopbackExempt(config.loopbackExempt));
        amqp.start();
        broker.sessions(amqp.registry());
        var context = new io.warren.ops.http.ApiContext(broker, new io.warren.metadata.service.AccessControl(broker.metadata()),
                amqp.registry(), alarms, user -> config.loopbackExempt.contains(user) || config.loopbackExempt.contains("*"), amqp.port(),
                System.currentTimeMillis());
        management = new io.warren.ops.http.ManagementApi(context);
        broker.management((method, path, query, body) -> management.handleOperator(method, path, query, body)
                .thenApply(r -> new io.warren.raft.link.LinkCall.Managed(r.status(), r.body())));
        if (config.loadDefinitions != null) loadDefinitions(config.loadDefinitions);
        if (config.managementPort >= 0) http = new io.warren.ops.http.HttpApiServer("management API",
                io.warren.ops.http.HttpApiServer.management(management)).start(config.managementBind, config.managementPort);
        if (http != null) management.listening("http", http.port());
        if (config.prometheusPort >= 0) {
            metrics = new io.warren.ops.http.HttpApiServer("Prometheus metrics",
                    new io.warren.ops.metrics.NodeMetrics(context, alarms).handler()).start(config.managementBind, config.prometheusPort);
            management.listening("prometheus", metrics.port());
        }
        LOG.info("Warren node {} ready: AMQP on {}:{}, management API on {}, data in {}", config.nodeName, config.amqpBind, amqp.port(),
                http == null ? "(off)" : config.managementBind + ":" + http.port(), config.dataDir.toAbsolutePath());
        return this;
    }

    /** load_definitions: imports the file as the node's operator; a file that cannot be read or imported stops the boot. */
    private void loadDefinitions(java.nio.file.Path file) throws Exception {
        byte[] body;
        try {
            body = Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.IOException("load_definitions: cannot read " + file + ": " + e.getMessage(), e);
        }
        var r = management.handleOperator("POST", java.util.List.of("definitions"), java.util.Map.of(), body).get(300, java.util.concurrent.TimeUnit.SECONDS);
        if (r.status() >= 300) {
            throw new IllegalStateException("load_definitions: importing " + file + " failed: " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        LOG.info("definitions imported from {}", file);
    }

    public int amqpPort() { return amqp.port(); }

    public RaftBroker broker() { return broker; }

    /** The management API's port (-1 when it is off). */
    public int managementPort() { return http == null ? -1 : http.port(); }

    /** The Prometheus endpoint's port (-1 when it is off). */
    public int prometheusPort() { return metrics == null ? -1 : metrics.port(); }

    /** The management API, as the node's operator calls it. */
    public io.warren.ops.http.ManagementApi management() { return management; }

    /** The AMQP connections and channels open on this node. */
    public io.warren.amqp.server.ConnectionRegistry connections() { return amqp.registry(); }

    public ResourceAlarms alarms() { return alarms; }

    @Override
    public void close() {
        if (metrics != null) metrics.close();
        if (http != null) http.close();
        if (amqp != null) amqp.close();
        if (management != null) management.close();
        if (broker != null) broker.close();
        if (alarms != null) alarms.close();
        LOG.info("Warren node {} stopped", config.nodeName);
    }
}
