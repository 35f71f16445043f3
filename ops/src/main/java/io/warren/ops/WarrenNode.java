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

    public WarrenNode(NodeConfig config) { this.config = config; }

    public WarrenNode start() throws Exception {
        Files.createDirectories(config.dataDir);
        alarms = new ResourceAlarms(config.dataDir, config.memoryHighWatermark, config.diskFreeLimit);
        java.util.List<io.warren.metadata.model.NodeRecord> peers = new java.util.ArrayList<>();
        config.peers.forEach((name, address) -> peers.add(new io.warren.metadata.model.NodeRecord(name, address)));
        broker = new RaftBroker(new RaftBroker.Config(config.nodeName, config.dataDir.toAbsolutePath(), config.raftHost(),
                config.raftPort, config.snapshotThreshold, config.messageCacheBytes, peers, config.clusterSecret,
                config.joinAddress, config.defaultQueueType), alarms);
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
        LOG.info("Warren node {} ready: AMQP on {}:{}, data in {}", config.nodeName, config.amqpBind, amqp.port(),
                config.dataDir.toAbsolutePath());
        return this;
    }

    public int amqpPort() { return amqp.port(); }

    public RaftBroker broker() { return broker; }

    /** The AMQP connections and channels open on this node. */
    public io.warren.amqp.server.ConnectionRegistry connections() { return amqp.registry(); }

    public ResourceAlarms alarms() { return alarms; }

    @Override
    public void close() {
        if (amqp != null) amqp.close();
        if (broker != null) broker.close();
        if (alarms != null) alarms.close();
        LOG.info("Warren node {} stopped", config.nodeName);
    }
}
