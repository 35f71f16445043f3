package io.warren.raft;

import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.BrokerPort;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Publisher;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.port.Sessions;
import io.warren.metadata.service.CheckedDefinitions;
import io.warren.metadata.service.RoutedPublisher;
import io.warren.metadata.state.MetadataState;
import io.warren.raft.link.Link;
import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkClient;
import io.warren.raft.link.LinkServer;
import io.warren.raft.meta.MetadataStateMachine;
import io.warren.raft.queue.QueueGroupStateMachine;
import io.warren.storage.RocksStore;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's broker: builds its parts over one Raft server, one store and one link, starts them in order (form or join
 * the cluster, record the start, bootstrap a fresh cluster, reconcile queue groups) and stops them. What a front end
 * calls is the parts' ports: {@link #metadata()} ({@link MetadataSubmitter}), {@link #queues()}
 * ({@link QueueForwarder}), {@link #admin()} ({@link ClusterAdmin}).
 */
public final class RaftBroker implements BrokerPort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftBroker.class);
    private static final int METADATA_WAIT_S = 30;

    /**
     * {@code peers}: the static cluster (node names and Raft addresses, this node included); empty for a
     * single node. {@code joinAddress}: the Raft address of a running node to join, or null.
     */
    public record Config(String nodeName, Path dataDir, String raftHost, int raftPort, long snapshotThreshold,
                         long messageCacheBytes, List<NodeRecord> peers, String secret, String joinAddress,
                         io.warren.metadata.model.QueueType defaultQueueType, FirstBoot firstBoot) {
        public String raftAddress() { return raftHost + ":" + raftPort; }
    }

    /**
     * What a new cluster starts with (RabbitMQ's default_user, default_pass, default_vhost, default_user_tags,
     * default_permissions): created at the first boot only, never again. {@code password} is never logged.
     */
    public record FirstBoot(String user, String password, String vhost, Set<String> tags, String configure, String write, String read) {
        public static final FirstBoot GUEST = new FirstBoot("guest", "guest", "/", Set.of("administrator"), ".*", ".*", ".*");

        @Override public String toString() { return "FirstBoot[" + user + " in " + vhost + ", tags " + tags + "]"; }
    }

    private final Config config;
    private final Alarms alarms;
    private final RocksStore store;
    private final LinkClient link;
    private final RaftNode node;
    private final MetadataStateMachine metadataSm;
    private final Nodes nodes;
    private final QueueHost host;
    private final QueueLocator locator;
    private final MetadataSubmitter metadata;
    private final QueueForwarder queues;
    private final GroupLifecycle groups;
    private final Membership membership;
    private final ClusterAdmin admin;
    private final Definitions definitions;
    private final Publisher publisher;
    private final FeatureServices features;
    private final PeerConnectionCounts peerConnections;
    /** The client connections of this node's front ends (none until one registers). */
    private volatile Sessions sessions = Sessions.NONE;
    private volatile LinkDispatcher.Management management = LinkDispatcher.Management.NONE;
    private final ExecutorService housekeeping = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warren-housekeeping");
        t.setDaemon(true);
        return t;
    });

    public RaftBroker(Config config, Alarms alarms) throws IOException {
        this.config = config;
        this.alarms = alarms;
        String digest = Link.digest(config.secret() == null ? "" : config.secret());
        this.link = new LinkClient(digest);
        this.store = new RocksStore(config.dataDir().resolve("rocksdb"));
        AtomicLong cacheBudget = new AtomicLong(config.messageCacheBytes());
        // the parts reach each other through these holders: the Raft server needs its state machines before it exists
        GroupLifecycle[] lifecycle = new GroupLifecycle[1];
        LinkDispatcher[] dispatcher = new LinkDispatcher[1];
        RaftNode[] raft = new RaftNode[1];
        Nodes[] directory = new Nodes[1];
        this.metadataSm = new MetadataStateMachine((cmd, result) -> {
            lifecycle[0].applied(cmd, result);
            closeSessionsOf(cmd);
        }, leader ->
                link.call(directory[0].addressOfPeer(leader), new LinkCall.ExportMetadata(), 60_000));
        this.nodes = directory[0] = new Nodes(config.nodeName(), config.raftAddress(), config.peers(), metadataSm::state);
        GroupTransfer transfer = new GroupTransfer(housekeeping, store, link, nodes::addressOfPeer, () -> raft[0]);
        RaftNode n = null;
        try {
            n = new RaftNode(GroupIds.peerId(config.nodeName()), config.raftAddress(), config.dataDir().resolve("raft"),
                    config.raftPort(), gid -> GroupIds.isMetadata(gid) ? metadataSm
                            : new QueueGroupStateMachine(store, cacheBudget, this::onQueueLeaderChanged, transfer::install),
                    LinkServer.service(new LinkServer.Handler() {
                        // link calls arrive only once the node has started, when every part exists
                        @Override public CompletableFuture<byte[]> call(byte[] request, io.warren.raft.link.LinkSession session) {
                            return dispatcher[0].call(request, session);
                        }

                        @Override public StreamObserver<byte[]> consume(StreamObserver<byte[]> out) { return host.consume(out); }

                        @Override public void export(byte[] request, StreamObserver<byte[]> out) { transfer.export(request, out); }
                    }, digest), config.snapshotThreshold());
        } finally {
            if (n == null) {
                store.close();
                link.close();
            }
        }
        this.node = raft[0] = n;
        this.locator = new QueueLocator(n, nodes, link, metadataSm::state);
        MetadataBarrier barrier = new MetadataBarrier(config.nodeName(), link, metadataSm);
        this.metadata = new MetadataSubmitter(n, nodes, metadataSm, barrier, locator);
        this.features = new FeatureServices(metadata, this::publisher);
        this.host = new QueueHost(n, this::autoDelete, features);
        this.queues = new QueueForwarder(nodes, locator, host, link, features.timer());
        this.groups = lifecycle[0] = new GroupLifecycle(n, nodes, host, metadataSm::state, housekeeping);
        this.membership = new Membership(n, nodes, link, metadata, housekeeping);
        this.admin = new ClusterAdmin(nodes, metadata, queues, locator, membership, link, () -> sessions, host::servedStats);
        this.definitions = new CheckedDefinitions(metadata, queues, config.defaultQueueType());
        this.publisher = new RoutedPublisher(metadata, queues, definitions);
        this.peerConnections = new PeerConnectionCounts(nodes, metadataSm::state, link);
        dispatcher[0] = new LinkDispatcher(n, nodes, host, membership, barrier, metadataSm, admin, () -> management);
    }

    /** Starts the Raft server, forms or joins the cluster, bootstraps a fresh one, recovers queues. */
    public void start(long timeoutMs) throws IOException, InterruptedException {
        node.start();
        if (!node.hasGroup(GroupIds.METADATA)) {
            if (config.joinAddress() != null) membership.join(config.joinAddress(), new NodeRecord(config.nodeName(), config.raftAddress()));
            else node.addGroup(Nodes.metadataGroup(nodes.configured())).join();
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        boolean single = nodes.configured().size() <= 1 && config.joinAddress() == null;
        // alone, this node leads the metadata group in a moment: wait for that so nothing needs the network
        while (single && !node.isLeaderReady(GroupIds.METADATA) && System.currentTimeMillis() < deadline) Thread.sleep(10);
        // needs a majority of the metadata group: wait for the other nodes to come up
        CompletableFuture<?> started = Retry.until(deadline, 1_000, 1_000, () -> metadata.submit(new MetadataCommand.NodeStarted(config.nodeName(), single))
                .orTimeout(METADATA_WAIT_S, TimeUnit.SECONDS).whenComplete((r, err) -> {
                    if (err != null) LOG.info("waiting for a majority of the metadata group: {}", Retry.unwrap(err).toString());
                }), e -> true);
        try {
            started.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("no majority of the metadata group after " + timeoutMs + " ms", e.getCause());
        }
        if (state().vhosts().isEmpty() && state().users().isEmpty()) bootstrap(config.firstBoot() == null ? FirstBoot.GUEST : config.firstBoot());
        for (NodeRecord p : nodes.configured()) {
            if (state().node(p.name()) == null) await(metadata.submit(new MetadataCommand.AddNode(p)));
        }
        groups.reconcile();
        features.start(host);
        peerConnections.start(features.timer());
        LOG.info("node {} started: {} queue(s), {} node(s) in the cluster, raft on {}", config.nodeName(),
                state().allQueues().size(), state().nodes().size(), config.raftAddress());
    }

    /** A new cluster: its default vhost and user (loopback-only when it is guest, as RabbitMQ's loopback_users). */
    private void bootstrap(FirstBoot b) {
        await(metadata.submit(new MetadataCommand.AddVhost(b.vhost())));
        await(metadata.submit(new MetadataCommand.PutUser(new UserRecord(b.user(), PasswordHash.hash(b.password()), b.tags(),
                b.user().equals("guest")))));
        await(metadata.submit(new MetadataCommand.SetPermission(new Permission(b.user(), b.vhost(), b.configure(), b.write(), b.read()))));
        // RabbitMQ names a cluster after its first node until set_cluster_name says otherwise
        await(metadata.submit(new MetadataCommand.SetGlobalParameter("cluster_name", "\"" + config.nodeName().replace("\"", "") + "\"")));
        LOG.info("new cluster: vhost '{}' and user '{}' created", b.vhost(), b.user());
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(METADATA_WAIT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * As RabbitMQ, the client connections of a deleted vhost or user are closed (320, "vhost 'v' is deleted"), on each
     * node as it applies the deletion (off the apply thread; at start-up no front end is listening yet).
     */
    private void closeSessionsOf(MetadataCommand cmd) {
        java.util.function.Predicate<Sessions.ConnectionInfo> which;
        String reason;
        if (cmd instanceof MetadataCommand.DeleteVhost d) {
            which = c -> c.vhost().equals(d.name());
            reason = "vhost '" + d.name() + "' is deleted";
        } else if (cmd instanceof MetadataCommand.DeleteUser d) {
            which = c -> c.user().equals(d.name());
            reason = "user '" + d.name() + "' is deleted";
        } else {
            return;
        }
        Sessions s = sessions;
        if (s == Sessions.NONE) return;
        housekeeping.execute(() -> s.snapshot().thenAccept(snap -> snap.connections().stream().filter(which)
                .forEach(c -> s.close(c.id(), reason))));
    }

    /** An auto-delete queue lost its last consumer: completes once its deletion is applied on this node. */
    private CompletableFuture<Void> autoDelete(QueueRecord q) {
        return metadata.submit(new MetadataCommand.DeleteQueue(q.vhost(), q.name(), q.id())).handle((r, e) -> {
            if (e != null) LOG.warn("auto-delete of {} failed: {}", q.describe(), e.toString());
            return null;
        });
    }

    private void onQueueLeaderChanged(RaftGroupId gid, RaftPeerId leader) {
        boolean here = leader != null && leader.equals(node.id());
        housekeeping.execute(() -> host.leaderChanged(gid, here));
    }

    // ---- the ports ----

    @Override public String nodeName() { return config.nodeName(); }

    @Override public MetadataPort metadata() { return metadata; }

    @Override public QueuePort queues() { return queues; }

    /** The operator's calls, answered by this node. */
    public Admin admin() { return admin; }

    /** The counts of each queue this node serves now (what its metrics report). */
    public Map<QueueRecord, io.warren.metadata.port.QueueStats> servedQueueStats() { return host.servedStats(state().allQueues()); }

    /**
     * One Raft group's figures on this node, as Ratis has them: for the metadata group {@code groupId} is "metadata".
     * {@code lastWrittenIndex}: the last entry in this member's log; {@code snapshotIndex}: the last snapshot's;
     * {@code commitLatencySeconds}: on a leader, how long its last entry took from submission to commit (-1: none).
     */
    public record RaftFacts(String groupId, boolean leader, long term, long commitIndex, long lastAppliedIndex,
                            long lastWrittenIndex, long snapshotIndex, double commitLatencySeconds) { }

    /** The figures of every Raft group this node is a member of. */
    public List<RaftFacts> raftFacts() {
        List<RaftFacts> out = new java.util.ArrayList<>();
        Map<RaftGroupId, String> names = new java.util.HashMap<>();
        for (QueueRecord q : state().allQueues()) if (q.hasGroup()) names.put(GroupIds.forQueueGroup(q.groupId()), q.groupId());
        for (RaftGroupId g : node.server().getGroupIds()) {
            try {
                var d = node.server().getDivision(g);
                var log = d.getRaftLog();
                String id = GroupIds.isMetadata(g) ? "metadata" : names.getOrDefault(g, g.getUuid().toString());
                out.add(new RaftFacts(id, d.getInfo().isLeader(), d.getInfo().getCurrentTerm(), log.getLastCommittedIndex(),
                        d.getInfo().getLastAppliedIndex(), log.getNextIndex() - 1, log.getSnapshotIndex(),
                        d.getInfo().isLeader() ? host.commitLatencySeconds(g) : -1));
            } catch (IOException e) {
                // the group is going away
            }
        }
        return out;
    }

    /** A front end of this node tells the broker where its client connections can be listed. */
    public void sessions(Sessions s) { this.sessions = s; }

    /** The management API of this node, as the operator's CLI calls it over the link (method, /api path, query, body). */
    public interface ManagementHandler {
        CompletableFuture<LinkCall.Managed> handle(String method, List<String> path, java.util.Map<String, String> query, byte[] body);
    }

    /**
     * Asks the management API of node {@code name} as its operator (over the link; this node's own directly), for what
     * only that node knows (its resources, alarms, counters). Fails when the node is unknown or does not answer in time.
     */
    public CompletableFuture<LinkCall.Managed> askNode(String name, String method, List<String> path, long timeoutMs) {
        LinkCall.Manage request = new LinkCall.Manage(method, path, java.util.Map.of(), new byte[0]);
        if (nodes.isSelf(name)) return management.handle(request);
        NodeRecord n = state().node(name);
        if (n == null) return CompletableFuture.failedFuture(io.warren.metadata.model.DomainException.notFound("node '" + name + "'"));
        return link.call(n.raftAddress(), request, timeoutMs).orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    public void management(ManagementHandler h) { this.management = r -> h.handle(r.method(), r.path(), r.query(), r.body()); }

    @Override public Alarms alarms() { return alarms; }

    @Override public Sessions.Counts connectionsElsewhere() { return peerConnections.get(); }

    @Override public Publisher publisher() { return publisher; }

    @Override public Definitions definitions() { return definitions; }

    /** This node's applied replica of the metadata. */
    public MetadataState state() { return metadataSm.state(); }

    /** forget_cluster_node: out of the metadata group and of every queue group; its classic queues go. */
    public CompletableFuture<Void> forget(String name) { return membership.forget(name); }

    // ---- diagnostics ----

    /** For diagnostics and leak tests: [classic queues in memory, group queues led here, consumers of other nodes]. */
    public int[] servedHere() { return host.engineCounts(); }

    /** Messages in this node's replica of a group queue (whether or not it leads), -1 without a replica. */
    public long replicaMessageCount(QueueRecord q) {
        try {
            return ((QueueGroupStateMachine) node.stateMachine(GroupIds.forQueueGroup(q.groupId()))).queue(q.id()).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The index this node's replica of a group queue's group has applied, -1 without a replica. */
    public long replicaAppliedIndex(QueueRecord q) {
        try {
            return node.stateMachine(GroupIds.forQueueGroup(q.groupId())).getLastAppliedTermIndex().getIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        peerConnections.stop();
        features.close();
        host.close();
        try {
            node.close();
        } catch (IOException e) {
            LOG.warn("closing raft server: {}", e.toString());
        }
        link.close();
        housekeeping.shutdownNow();
        try {
            // a group drop under way finishes its batch; the store's close would wait for it in any case
            housekeeping.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
