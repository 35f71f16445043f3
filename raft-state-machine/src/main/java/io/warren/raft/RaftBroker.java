package io.warren.raft;

import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.port.BrokerPort;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.queue.ClassicQueue;
import io.warren.metadata.queue.QueueEngine;
import io.warren.metadata.state.MetadataState;
import io.warren.raft.meta.MetadataStateMachine;
import io.warren.raft.queue.GroupProposer;
import io.warren.raft.queue.QueueGroupStateMachine;
import io.warren.raft.queue.QuorumQueue;
import io.warren.storage.RocksStore;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker behind the front ends: the ports implemented over this node's Raft groups (metadata, one group
 * per quorum queue) and its classic queues.
 */
public final class RaftBroker implements BrokerPort, MetadataPort, QueuePort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftBroker.class);

    public record Config(String nodeName, Path dataDir, String raftHost, int raftPort, long snapshotThreshold,
                         long messageCacheBytes) { }

    private final Config config;
    private final RocksStore store;
    private final RaftNode node;
    private final MetadataStateMachine metadataSm;
    private final Alarms alarms;
    private final AtomicLong cacheBudget;
    private final Map<Long, ClassicQueue> classicQueues = new ConcurrentHashMap<>();
    private final Map<Long, QuorumQueue> quorumQueues = new ConcurrentHashMap<>();
    private final Map<RaftGroupId, GroupProposer> proposers = new ConcurrentHashMap<>();
    private final Map<RaftGroupId, CompletableFuture<Void>> groupsReady = new ConcurrentHashMap<>();
    private final ExecutorService housekeeping = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warren-housekeeping");
        t.setDaemon(true);
        return t;
    });

    public RaftBroker(Config config, Alarms alarms) throws IOException {
        this.config = config;
        this.alarms = alarms;
        this.cacheBudget = new AtomicLong(config.messageCacheBytes());
        this.store = new RocksStore(config.dataDir().resolve("rocksdb"));
        this.metadataSm = new MetadataStateMachine(this::onMetadataApplied);
        String peerId = config.nodeName().replaceAll("[^A-Za-z0-9_.-]", "_");
        RaftNode n = null;
        try {
            n = new RaftNode(peerId, config.raftHost() + ":" + config.raftPort(), config.dataDir().resolve("raft"),
                    config.raftPort(), gid -> GroupIds.isMetadata(gid) ? metadataSm : new QueueGroupStateMachine(store, cacheBudget),
                    null, config.snapshotThreshold());
        } finally {
            if (n == null) store.close();
        }
        this.node = n;
    }

    /** Starts the Raft server, waits for the metadata group, bootstraps a fresh node, recovers queues. */
    public void start(long timeoutMs) throws IOException, InterruptedException {
        node.start();
        if (!node.hasGroup(GroupIds.METADATA)) {
            node.addGroup(RaftGroup.valueOf(GroupIds.METADATA, node.self())).join();
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!node.isLeaderReady(GroupIds.METADATA)) {
            if (System.currentTimeMillis() > deadline) throw new IOException("metadata group has no leader after " + timeoutMs + " ms");
            Thread.sleep(20);
        }
        if (state().vhost("/") == null) bootstrap();
        await(submit(new MetadataCommand.NodeStarted(config.nodeName(), true)));
        java.util.Set<RaftGroupId> wanted = new java.util.HashSet<>();
        for (QueueRecord q : state().allQueues()) {
            if (!q.isQuorum()) continue;
            wanted.add(GroupIds.forQueueGroup(q.groupId()));
            await(ensureGroup(q));
        }
        // a crash between a queue's deletion and its group's removal leaves the group behind: remove it now
        for (RaftGroupId g : node.server().getGroupIds()) {
            if (!GroupIds.isMetadata(g) && !wanted.contains(g)) {
                LOG.info("removing group {}: no queue refers to it", g);
                QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(g);
                await(node.removeGroup(g));
                sm.dropGroup();
            }
        }
        LOG.info("node {} started: {} queue(s), raft on port {}", config.nodeName(), state().allQueues().size(), config.raftPort());
    }

    private void bootstrap() {
        await(submit(new MetadataCommand.AddVhost("/")));
        await(submit(new MetadataCommand.PutUser(new UserRecord("guest", PasswordHash.hash("guest"), Set.of("administrator"), true))));
        await(submit(new MetadataCommand.SetPermission(new Permission("guest", "/", ".*", ".*", ".*"))));
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("start-up step failed: " + e.getMessage(), e);
        }
    }

    @Override public String nodeName() { return config.nodeName(); }

    @Override public MetadataPort metadata() { return this; }

    @Override public QueuePort queues() { return this; }

    @Override public Alarms alarms() { return alarms; }

    // ---- metadata ----

    @Override public MetadataState state() { return metadataSm.state(); }

    @Override
    public CompletableFuture<CommandResult> submit(MetadataCommand command) {
        return node.submit(GroupIds.METADATA, CommandCodec.encode(command))
                .thenApply(b -> CommandCodec.decodeResult(b.toByteArray()))
                .thenCompose(r -> {
                    if (r instanceof CommandResult.QueueDeclared d && d.queue().isQuorum()) {
                        return ensureGroup(d.queue()).thenApply(x -> r);
                    }
                    return CompletableFuture.completedFuture(r);
                });
    }

    /** Called on the apply thread of the metadata group, on every node: local effects only, never blocking. */
    private void onMetadataApplied(MetadataCommand cmd, CommandResult result) {
        if (result instanceof CommandResult.QueueDeclared d && d.created() && !d.queue().isQuorum()
                && config.nodeName().equals(d.queue().ownerNode())) {
            ClassicQueue q = new ClassicQueue(d.queue());
            if (d.queue().autoDelete()) q.onUnused(() -> autoDelete(d.queue()));
            classicQueues.put(d.queue().id(), q);
        } else if (result instanceof CommandResult.QueuesDeleted del) {
            for (QueueRecord q : del.queues()) {
                if (q.isQuorum()) {
                    QuorumQueue e = quorumQueues.remove(q.id());
                    if (e != null) e.close();
                    housekeeping.execute(() -> dropGroup(q));
                } else {
                    ClassicQueue e = classicQueues.remove(q.id());
                    if (e != null) e.close();
                }
            }
        }
    }

    private void autoDelete(QueueRecord q) {
        submit(new MetadataCommand.DeleteQueue(q.vhost(), q.name(), q.id())).exceptionally(e -> {
            LOG.warn("auto-delete of {} failed: {}", q.describe(), e.toString());
            return null;
        });
    }

    // ---- queue groups ----

    private CompletableFuture<Void> ensureGroup(QueueRecord q) {
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        return groupsReady.computeIfAbsent(gid, g -> {
            CompletableFuture<Void> added = node.hasGroup(g) ? CompletableFuture.completedFuture(null)
                    : node.addGroup(RaftGroup.valueOf(g, node.self()));
            return added.thenCompose(x -> waitForLeader(g));
        });
    }

    private CompletableFuture<Void> waitForLeader(RaftGroupId g) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        long deadline = System.currentTimeMillis() + 30_000;
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            if (node.isLeaderReady(g)) f.complete(null);
            else if (System.currentTimeMillis() > deadline) f.completeExceptionally(new DomainException(DomainException.Kind.UNAVAILABLE, "queue group " + g + " has no leader"));
            else CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS).execute(poll[0]);
        };
        poll[0].run();
        return f;
    }

    private void dropGroup(QueueRecord q) {
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        try {
            if (node.hasGroup(gid)) {
                QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(gid);
                node.removeGroup(gid).get(30, TimeUnit.SECONDS);
                sm.dropGroup();
            }
        } catch (Exception e) {
            LOG.warn("removing the group of {} failed: {}", q.describe(), e.toString());
        } finally {
            groupsReady.remove(gid);
            proposers.remove(gid);
        }
    }

    private QueueEngine engine(QueueRecord q) {
        if (!q.isQuorum()) {
            ClassicQueue c = classicQueues.get(q.id());
            if (c == null) throw DomainException.notFound(q.describe());
            return c;
        }
        return quorum(q);
    }

    private QuorumQueue quorum(QueueRecord q) {
        QuorumQueue existing = quorumQueues.get(q.id());
        if (existing != null) return existing;
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        try {
            QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(gid);
            GroupProposer p = proposers.computeIfAbsent(gid, g -> new GroupProposer(node, g));
            return quorumQueues.computeIfAbsent(q.id(), id -> {
                QuorumQueue qq = new QuorumQueue(q, sm.queue(id), p);
                if (q.autoDelete()) qq.onUnused(() -> autoDelete(q));
                sm.attach(id, qq);
                return qq;
            });
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.UNAVAILABLE, q.describe() + " is not available on this node: " + e.getMessage());
        }
    }

    // ---- queue operations ----

    @Override
    public CompletableFuture<Void> publish(QueueRecord queue, Message message) {
        try {
            QueueEngine e = engine(queue);
            return e instanceof QuorumQueue qq ? qq.publish(message) : ((ClassicQueue) e).publish(message);
        } catch (DomainException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }

    @Override
    public CompletableFuture<QueueConsumer> consume(QueueRecord queue, ConsumerSpec spec, ConsumerSink sink) {
        try {
            return CompletableFuture.completedFuture(engine(queue).addConsumer(spec, sink));
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Delivery> get(QueueRecord queue, boolean noAck) {
        try {
            return CompletableFuture.completedFuture(engine(queue).get(noAck));
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> settle(QueueRecord queue, long[] offsets) {
        QueueEngine e = engineOrNull(queue);
        return e == null ? CompletableFuture.completedFuture(null) : e.settle(offsets);
    }

    @Override
    public CompletableFuture<Void> requeue(QueueRecord queue, long[] offsets) {
        QueueEngine e = engineOrNull(queue);
        return e == null ? CompletableFuture.completedFuture(null) : e.requeue(offsets);
    }

    private QueueEngine engineOrNull(QueueRecord q) {
        try {
            QueueEngine e = engine(q);
            return e.isClosed() ? null : e;
        } catch (DomainException e) {
            return null;
        }
    }

    @Override
    public CompletableFuture<Long> purge(QueueRecord queue) {
        try {
            QueueEngine e = engine(queue);
            return e instanceof QuorumQueue qq ? qq.purge() : CompletableFuture.completedFuture(((ClassicQueue) e).purge());
        } catch (DomainException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }

    @Override
    public QueueStats stats(QueueRecord queue) {
        QueueEngine e = engineOrNull(queue);
        return e == null ? new QueueStats(0, 0, 0, 0) : e.stats();
    }

    @Override
    public CompletableFuture<Long> deleteQueue(QueueRecord q, boolean ifUnused, boolean ifEmpty) {
        QueueStats s = stats(q);
        if (ifUnused && s.consumers() > 0) {
            return CompletableFuture.failedFuture(DomainException.precondition(q.describe() + " in use"));
        }
        if (ifEmpty && s.messages() > 0) {
            return CompletableFuture.failedFuture(DomainException.precondition(q.describe() + " not empty"));
        }
        return submit(new MetadataCommand.DeleteQueue(q.vhost(), q.name(), q.id())).thenApply(r -> s.messages());
    }

    @Override
    public void close() {
        for (ClassicQueue q : classicQueues.values()) q.close();
        for (QuorumQueue q : quorumQueues.values()) q.close();
        try {
            node.close();
        } catch (IOException e) {
            LOG.warn("closing raft server: {}", e.toString());
        }
        housekeeping.shutdownNow();
        store.close();
    }
}
