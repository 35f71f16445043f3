package io.warren.raft;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.NodeRecord;
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
import io.warren.metadata.state.MetadataState;
import io.warren.raft.link.Link;
import io.warren.raft.link.LinkClient;
import io.warren.raft.link.LinkProtocol;
import io.warren.raft.link.LinkServer;
import io.warren.raft.meta.MetadataStateMachine;
import io.warren.raft.queue.QueueGroupStateMachine;
import io.warren.storage.RocksStore;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker behind the front ends: the ports implemented over this node's Raft groups (the metadata group,
 * a group per quorum queue) and the link to the other nodes. A queue operation runs where the queue is
 * served (its group's leader, or the node of a classic queue): in-process when that is here, over the link
 * otherwise.
 */
public final class RaftBroker implements BrokerPort, MetadataPort, QueuePort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftBroker.class);
    /** Voters of the metadata group at most; further nodes follow it as listeners. */
    static final int METADATA_VOTERS_MAX = 5;
    private static final long LINK_TIMEOUT_MS = 30_000;

    /**
     * {@code peers}: the static cluster (node names and Raft addresses, this node included); empty for a
     * single node. {@code joinAddress}: the Raft address of a running node to join, or null.
     */
    public record Config(String nodeName, Path dataDir, String raftHost, int raftPort, long snapshotThreshold,
                         long messageCacheBytes, List<NodeRecord> peers, String secret, String joinAddress) {
        public String raftAddress() { return raftHost + ":" + raftPort; }
    }

    private final Config config;
    private final RocksStore store;
    private final RaftNode node;
    private final MetadataStateMachine metadataSm;
    private final QueueHost host;
    private final LinkClient link;
    private final Alarms alarms;
    private final MetadataBarrier barrier;
    private final GroupTransfer transfer;
    private final AtomicLong cacheBudget;
    private final ExecutorService housekeeping = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warren-housekeeping");
        t.setDaemon(true);
        return t;
    });

    public RaftBroker(Config config, Alarms alarms) throws IOException {
        this.config = config;
        this.alarms = alarms;
        this.cacheBudget = new AtomicLong(config.messageCacheBytes());
        String digest = Link.digest(config.secret() == null ? "" : config.secret());
        this.link = new LinkClient(digest);
        this.store = new RocksStore(config.dataDir().resolve("rocksdb"));
        this.transfer = new GroupTransfer(housekeeping, store, link, this::addressOfPeer, this::raftNode);
        this.metadataSm = new MetadataStateMachine(this::onMetadataApplied, leader -> link.call(addressOfPeer(leader),
                LinkProtocol.request(LinkProtocol.EXPORT_METADATA).toByteArray(), 60_000).thenApply(b -> {
                    BinaryReader r = LinkProtocol.answer(b);
                    return r.bytes(r.remaining());
                }));
        RaftNode n = null;
        try {
            n = new RaftNode(GroupIds.peerId(config.nodeName()), config.raftAddress(), config.dataDir().resolve("raft"),
                    config.raftPort(), gid -> GroupIds.isMetadata(gid) ? metadataSm
                            : new QueueGroupStateMachine(store, cacheBudget, this::onQueueLeaderChanged, transfer::install),
                    LinkServer.service(new LinkServer.Handler() {
                        // link calls arrive only once the node has started, when host is set
                        @Override public CompletableFuture<byte[]> call(byte[] request) { return host.call(request); }

                        @Override public org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver<byte[]> consume(
                                org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver<byte[]> out) { return host.consume(out); }

                        @Override public void export(byte[] request, org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver<byte[]> out) {
                            transfer.export(request, out);
                        }
                    }, digest), config.snapshotThreshold());
        } finally {
            if (n == null) {
                store.close();
                link.close();
            }
        }
        this.node = n;
        this.host = new QueueHost(this, n);
        this.barrier = new MetadataBarrier(config.nodeName(), link, metadataSm);
    }

    // ---- start-up ----

    /** Starts the Raft server, forms or joins the cluster, bootstraps a fresh one, recovers queues. */
    public void start(long timeoutMs) throws IOException, InterruptedException {
        node.start();
        if (!node.hasGroup(GroupIds.METADATA)) {
            if (config.joinAddress() != null) join();
            else node.addGroup(metadataGroup(staticPeers())).join();
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        boolean single = staticPeers().size() <= 1 && config.joinAddress() == null;
        // alone, this node leads the metadata group in a moment: wait for that so nothing needs the network
        while (single && !node.isLeaderReady(GroupIds.METADATA) && System.currentTimeMillis() < deadline) Thread.sleep(10);
        while (true) { // needs a majority of the metadata group: wait for the other nodes to come up
            try {
                await(submit(new MetadataCommand.NodeStarted(config.nodeName(), single)), 30);
                break;
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() > deadline) throw new IOException("no majority of the metadata group after " + timeoutMs + " ms", e);
                LOG.info("waiting for a majority of the metadata group: {}", e.getMessage());
            }
        }
        if (state().vhost("/") == null) bootstrap();
        for (NodeRecord p : staticPeers()) {
            if (state().node(p.name()) == null) await(submit(new MetadataCommand.AddNode(p)), 30);
        }
        reconcileGroups();
        LOG.info("node {} started: {} queue(s), {} node(s) in the cluster, raft on {}", config.nodeName(),
                state().allQueues().size(), state().nodes().size(), config.raftAddress());
    }

    private List<NodeRecord> staticPeers() {
        List<NodeRecord> peers = new ArrayList<>(config.peers());
        if (peers.stream().noneMatch(p -> p.name().equals(config.nodeName()))) peers.add(new NodeRecord(config.nodeName(), config.raftAddress()));
        peers.sort(Comparator.comparing(NodeRecord::name));
        return peers;
    }

    /** The first {@value #METADATA_VOTERS_MAX} nodes by name vote; the others listen. */
    static RaftGroup metadataGroup(List<NodeRecord> nodes) {
        List<RaftPeer> peers = new ArrayList<>();
        List<NodeRecord> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(NodeRecord::name));
        for (int i = 0; i < sorted.size(); i++) {
            peers.add(RaftPeer.newBuilder().setId(GroupIds.peerId(sorted.get(i).name())).setAddress(sorted.get(i).raftAddress())
                    .setStartupRole(i < METADATA_VOTERS_MAX ? RaftPeerRole.FOLLOWER : RaftPeerRole.LISTENER).build());
        }
        return RaftGroup.valueOf(GroupIds.METADATA, peers);
    }

    private void bootstrap() {
        await(submit(new MetadataCommand.AddVhost("/")), 30);
        if (state().user("guest") == null) {
            await(submit(new MetadataCommand.PutUser(new UserRecord("guest", PasswordHash.hash("guest"), Set.of("administrator"), true))), 30);
            await(submit(new MetadataCommand.SetPermission(new Permission("guest", "/", ".*", ".*", ".*"))), 30);
        }
    }

    /**
     * Creates the groups of this node's quorum queues that it lacks; removes groups no queue refers to. Runs on the
     * housekeeping thread, which also creates and removes groups as metadata commands apply (the metadata log replays
     * while this runs): one owner for a group's life, so the two never race for the same group.
     */
    private void reconcileGroups() throws IOException {
        try {
            housekeeping.submit(() -> { reconcileGroupsNow(); return null; }).get(300, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IOException("reconciling queue groups: " + e, e);
        }
    }

    private void reconcileGroupsNow() throws IOException {
        Set<RaftGroupId> wanted = new HashSet<>();
        for (QueueRecord q : state().allQueues()) {
            if (!q.hasGroup() || !q.members().contains(config.nodeName())) continue;
            RaftGroupId g = GroupIds.forQueueGroup(q.groupId());
            wanted.add(g);
            if (!node.hasGroup(g)) await(node.addGroup(queueGroup(q)), 30);
        }
        for (RaftGroupId g : node.server().getGroupIds()) {
            if (!GroupIds.isMetadata(g) && !wanted.contains(g)) {
                LOG.info("removing group {}: no queue of this node refers to it", g);
                try {
                    QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(g);
                    await(node.removeGroup(g), 30);
                    sm.dropGroup();
                } catch (org.apache.ratis.protocol.exceptions.GroupMismatchException e) {
                    LOG.info("group {} is already gone", g);
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof org.apache.ratis.protocol.exceptions.GroupMismatchException)) throw e;
                    LOG.info("group {} is already gone", g);
                }
            }
        }
    }

    private static <T> T await(CompletableFuture<T> f, int seconds) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    // ---- joining a running cluster ----

    private void join() throws IOException {
        byte[] req = LinkProtocol.request(LinkProtocol.JOIN).shortStr(config.nodeName()).shortStr(config.raftAddress()).toByteArray();
        try {
            BinaryReader r = LinkProtocol.answer(link.call(config.joinAddress(), req, 10_000).get(15, TimeUnit.SECONDS));
            List<NodeRecord> nodes = readNodes(r);
            node.addGroup(metadataGroup(nodes)).join();
            byte[] commit = LinkProtocol.request(LinkProtocol.JOIN_COMMIT).shortStr(config.nodeName()).shortStr(config.raftAddress()).toByteArray();
            LinkProtocol.answer(link.call(config.joinAddress(), commit, 120_000).get(130, TimeUnit.SECONDS));
            LOG.info("joined the cluster of {}", config.joinAddress());
        } catch (Exception e) {
            throw new IOException("cannot join the cluster at " + config.joinAddress() + ": " + e.getMessage(), e);
        }
    }

    private static List<NodeRecord> readNodes(BinaryReader r) {
        int n = r.i32();
        List<NodeRecord> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new NodeRecord(r.shortStr(), r.shortStr()));
        return l;
    }

    /** Link calls about the cluster itself (join, status). */
    CompletableFuture<byte[]> clusterCall(int op, BinaryReader r) {
        switch (op) {
            case LinkProtocol.JOIN -> { // a joining node asks for the current members
                String name = r.shortStr(), address = r.shortStr();
                List<NodeRecord> nodes = new ArrayList<>(state().nodes());
                nodes.removeIf(n -> n.name().equals(name));
                nodes.add(new NodeRecord(name, address));
                BinaryWriter w = LinkProtocol.ok().i32(nodes.size());
                for (NodeRecord n : nodes) w.shortStr(n.name()).shortStr(n.raftAddress());
                return CompletableFuture.completedFuture(w.toByteArray());
            }
            case LinkProtocol.JOIN_COMMIT -> { // it has the group now: make it a member
                NodeRecord joining = new NodeRecord(r.shortStr(), r.shortStr());
                List<NodeRecord> nodes = new ArrayList<>(state().nodes());
                nodes.removeIf(n -> n.name().equals(joining.name()));
                nodes.add(joining);
                return changeMetadataMembers(nodes)
                        .thenCompose(v -> submit(new MetadataCommand.AddNode(joining)))
                        .thenApply(res -> LinkProtocol.ok().toByteArray());
            }
            case LinkProtocol.FORGET -> {
                String name = r.shortStr();
                return forget(name).thenApply(v -> LinkProtocol.ok().toByteArray());
            }
            case LinkProtocol.EXPORT_METADATA -> {
                byte[] st = metadataSm.exportState();
                return CompletableFuture.completedFuture(LinkProtocol.ok().bytes(st).toByteArray());
            }
            case LinkProtocol.STATUS -> {
                return CompletableFuture.completedFuture(status().toByteArray());
            }
            case LinkProtocol.METADATA_APPLIED -> {
                return barrier.applied(r.i64());
            }
            case LinkProtocol.SET_POLICY -> {
                String vhost = r.shortStr(), name = r.shortStr(), pattern = r.longStr(), applyTo = r.shortStr();
                int priority = r.i32();
                var def = io.warren.metadata.codec.FieldTables.readTable(r);
                try {
                    java.util.regex.Pattern.compile(pattern);
                } catch (java.util.regex.PatternSyntaxException e) {
                    return CompletableFuture.completedFuture(LinkProtocol.error(DomainException.invalid("invalid pattern '" + pattern + "': " + e.getDescription())));
                }
                return refusalOrOk(submit(new MetadataCommand.SetPolicy(new io.warren.metadata.model.PolicyRecord(vhost, name, pattern, applyTo, def, priority))));
            }
            case LinkProtocol.CLEAR_POLICY -> {
                return refusalOrOk(submit(new MetadataCommand.ClearPolicy(r.shortStr(), r.shortStr())));
            }
            case LinkProtocol.LIST_POLICIES -> {
                var v = state().vhost(r.shortStr());
                List<io.warren.metadata.model.PolicyRecord> l = new ArrayList<>();
                if (v != null) v.policies().forEach(l::add);
                BinaryWriter w = LinkProtocol.ok().i32(l.size());
                for (var p : l) {
                    w.shortStr(p.name()).longStr(p.pattern()).shortStr(p.applyTo()).i32(p.priority());
                    io.warren.metadata.codec.FieldTables.writeTable(w, p.definition());
                }
                return CompletableFuture.completedFuture(w.toByteArray());
            }
            case LinkProtocol.LIST_QUEUES -> {
                var v = existingVhost(r.shortStr());
                List<QueueRecord> qs = new ArrayList<>();
                v.queues().forEach(qs::add);
                qs.sort(Comparator.comparing(QueueRecord::name));
                List<CompletableFuture<String>> leaders = new ArrayList<>();
                for (QueueRecord q : qs) {
                    leaders.add(locate(q).completeOnTimeout("", 3, TimeUnit.SECONDS).exceptionally(e -> ""));
                }
                return CompletableFuture.allOf(leaders.toArray(CompletableFuture<?>[]::new)).thenApply(x -> {
                    BinaryWriter w = LinkProtocol.ok().i32(qs.size());
                    for (int i = 0; i < qs.size(); i++) {
                        QueueRecord q = qs.get(i);
                        w.shortStr(q.name()).shortStr(q.type().wireName()).shortStr(q.groupId() == null ? "" : q.groupId())
                                .shortStr(leaders.get(i).join()).i32(q.members().size());
                        for (String m : q.members()) w.shortStr(m);
                    }
                    return w.toByteArray();
                });
            }
            case LinkProtocol.LIST_EXCHANGES -> { // this node's applied view of the metadata, as rabbitmqctl's list_exchanges
                var v = existingVhost(r.shortStr());
                List<io.warren.metadata.model.ExchangeRecord> xs = new ArrayList<>();
                v.exchanges().forEach(xs::add);
                xs.sort(Comparator.comparing(io.warren.metadata.model.ExchangeRecord::name));
                BinaryWriter w = LinkProtocol.ok().i32(xs.size());
                for (var x : xs) w.shortStr(x.name()).shortStr(x.type().wireName()).bool(x.durable()).bool(x.autoDelete()).bool(x.internal());
                return CompletableFuture.completedFuture(w.toByteArray());
            }
            case LinkProtocol.LIST_BINDINGS -> { // explicit bindings only (not the default exchange's implicit ones)
                var v = existingVhost(r.shortStr());
                List<io.warren.metadata.model.BindingRecord> bs = new ArrayList<>();
                v.bindingLists().forEach(bs::addAll);
                bs.sort(Comparator.comparing(io.warren.metadata.model.BindingRecord::source).thenComparing(io.warren.metadata.model.BindingRecord::destination)
                        .thenComparing(io.warren.metadata.model.BindingRecord::routingKey));
                BinaryWriter w = LinkProtocol.ok().i32(bs.size());
                for (var b : bs) {
                    w.shortStr(b.source()).bool(b.toExchange()).shortStr(b.destination()).shortStr(b.routingKey());
                    io.warren.metadata.codec.FieldTables.writeTable(w, b.arguments());
                }
                return CompletableFuture.completedFuture(w.toByteArray());
            }
            default -> {
                return CompletableFuture.completedFuture(LinkProtocol.error(new DomainException(DomainException.Kind.INVALID_ARGUMENT, "unknown link call " + op)));
            }
        }
    }

    /** A vhost for a listing call; a missing one is a not-found answer (the caller turns the exception into one). */
    private io.warren.metadata.state.VhostState existingVhost(String name) {
        var v = state().vhost(name);
        if (v == null) throw DomainException.notFound("vhost '" + name + "'");
        return v;
    }

    /** The failure inside a CompletionException (what a dependent stage of a future sees). */
    static Throwable unwrap(Throwable err) {
        return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    }

    /** A failure that says the queue could not be reached (worth trying again elsewhere), not that it refused. */
    static boolean unreachable(Throwable c) {
        return !(c instanceof DomainException d) || d.kind() == DomainException.Kind.UNAVAILABLE;
    }

    private static CompletableFuture<byte[]> refusalOrOk(CompletableFuture<CommandResult> f) {
        return f.thenApply(res -> res instanceof CommandResult.Refused ref ? LinkProtocol.error(ref.toException())
                : LinkProtocol.ok().toByteArray());
    }

    private CompletableFuture<Void> changeMetadataMembers(List<NodeRecord> nodes) {
        RaftGroup target = metadataGroup(nodes);
        List<RaftPeer> voters = new ArrayList<>(), listeners = new ArrayList<>();
        for (RaftPeer p : target.getPeers()) (p.getStartupRole() == RaftPeerRole.LISTENER ? listeners : voters).add(p);
        return CompletableFuture.supplyAsync(() -> {
            try {
                RaftClientReply reply = node.client(currentMetadataGroup()).admin().setConfiguration(voters, listeners);
                if (!reply.isSuccess()) throw new CompletionException(reply.getException());
                return null;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, housekeeping);
    }

    RaftGroup currentMetadataGroup() {
        try {
            return node.server().getDivision(GroupIds.METADATA).getGroup();
        } catch (IOException e) {
            return metadataGroup(staticPeers());
        }
    }

    /** forget_cluster_node: out of the metadata group and of every queue group; its classic queues go. */
    public CompletableFuture<Void> forget(String name) {
        if (name.equals(config.nodeName())) {
            return CompletableFuture.failedFuture(DomainException.invalid("a node cannot forget itself"));
        }
        if (state().node(name) == null) return CompletableFuture.failedFuture(DomainException.notFound("node '" + name + "' in the cluster"));
        List<NodeRecord> rest = new ArrayList<>(state().nodes());
        rest.removeIf(n -> n.name().equals(name));
        Map<String, QueueRecord> affected = new java.util.LinkedHashMap<>(); // a group once, however many queues it hosts
        for (QueueRecord q : state().allQueues()) if (q.members().contains(name)) affected.putIfAbsent(q.groupId(), q);
        return changeMetadataMembers(rest)
                .thenCompose(v -> submit(new MetadataCommand.RemoveNode(name)))
                .thenCompose(v -> {
                    List<CompletableFuture<?>> fs = new ArrayList<>();
                    for (QueueRecord q : affected.values()) fs.add(removeMember(q, name));
                    return CompletableFuture.allOf(fs.toArray(CompletableFuture<?>[]::new));
                });
    }

    private CompletableFuture<Void> removeMember(QueueRecord q, String name) {
        return CompletableFuture.runAsync(() -> {
            try {
                RaftGroup g = queueGroup(q);
                List<RaftPeer> keep = new ArrayList<>(g.getPeers());
                keep.removeIf(p -> p.getId().equals(RaftPeerId.valueOf(GroupIds.peerId(name))));
                node.client(g).admin().setConfiguration(keep);
            } catch (IOException e) {
                LOG.warn("removing {} from the group of {}: {}", name, q.describe(), e.toString());
            }
        }, housekeeping);
    }

    /** cluster_status: the nodes, which of them answer, the metadata leader. */
    public BinaryWriter status() {
        BinaryWriter w = LinkProtocol.ok();
        RaftPeerId leader = node.leaderOf(GroupIds.METADATA);
        w.shortStr(leader == null ? "" : String.valueOf(nodeNameOf(leader)));
        List<NodeRecord> nodes = new ArrayList<>(state().nodes());
        w.i32(nodes.size());
        for (NodeRecord n : nodes) {
            boolean running = isSelf(n.name()) || ping(n.raftAddress());
            w.shortStr(n.name()).shortStr(n.raftAddress()).bool(running);
        }
        return w;
    }

    private boolean ping(String address) {
        try {
            LinkProtocol.answer(link.call(address, LinkProtocol.request(LinkProtocol.LEADER).shortStr("q0").toByteArray(), 2000)
                    .get(3, TimeUnit.SECONDS));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private RaftNode raftNode() { return node; }

    private String addressOfPeer(String peerId) {
        for (NodeRecord n : state().nodes()) if (GroupIds.peerId(n.name()).equals(peerId)) return n.raftAddress();
        for (NodeRecord n : config.peers()) if (GroupIds.peerId(n.name()).equals(peerId)) return n.raftAddress();
        throw new DomainException(DomainException.Kind.UNAVAILABLE, "unknown peer " + peerId);
    }

    /** For diagnostics and leak tests: [classic queues in memory, group queues led here, consumers of other nodes]. */
    public int[] servedHere() { return host.engineCounts(); }

    /** Messages in this node's replica of a quorum queue (whether or not it leads), for diagnostics. */
    public long replicaMessageCount(QueueRecord q) {
        try {
            RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
            return ((QueueGroupStateMachine) node.stateMachine(gid)).queue(q.id()).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The index this node's replica of a quorum queue's group has applied, for diagnostics. */
    public long replicaAppliedIndex(QueueRecord q) {
        try {
            return node.stateMachine(GroupIds.forQueueGroup(q.groupId())).getLastAppliedTermIndex().getIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    // ---- helpers for the host and consumers ----

    String nodeNameOf(RaftPeerId id) {
        if (id == null) return null;
        for (NodeRecord n : state().nodes()) if (GroupIds.peerId(n.name()).equals(id.toString())) return n.name();
        return id.toString();
    }

    boolean isSelf(String nodeName) { return config.nodeName().equals(nodeName); }

    String addressOf(String nodeName) {
        NodeRecord n = state().node(nodeName);
        if (n == null) throw new DomainException(DomainException.Kind.UNAVAILABLE, "node '" + nodeName + "' is not in the cluster");
        return n.raftAddress();
    }

    boolean queueExists(QueueRecord q) {
        var v = state().vhost(q.vhost());
        QueueRecord now = v == null ? null : v.queue(q.name());
        return now != null && now.id() == q.id();
    }

    LinkClient link() { return link; }

    QueueHost host() { return host; }

    RaftGroup queueGroup(QueueRecord q) {
        List<RaftPeer> peers = new ArrayList<>();
        for (String m : q.members()) {
            NodeRecord n = state().node(m);
            String address = n != null ? n.raftAddress() : isSelf(m) ? config.raftAddress() : null;
            if (address == null) continue;
            peers.add(RaftPeer.newBuilder().setId(GroupIds.peerId(m)).setAddress(address)
                    .setPriority(m.equals(q.preferredLeader()) ? 1 : 0).build());
        }
        return RaftGroup.valueOf(GroupIds.forQueueGroup(q.groupId()), peers);
    }

    /** The node serving {@code q} now: a classic queue's node, a quorum queue's leader (waiting a little for one). */
    CompletableFuture<String> locate(QueueRecord q) {
        if (!q.hasGroup()) return CompletableFuture.completedFuture(q.ownerNode());
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        CompletableFuture<String> f = new CompletableFuture<>();
        long deadline = System.currentTimeMillis() + 10_000;
        Runnable[] attempt = new Runnable[1];
        attempt[0] = () -> {
            CompletableFuture<String> leader = q.members().contains(config.nodeName())
                    ? CompletableFuture.completedFuture(node.isLeaderReady(gid) ? config.nodeName() : nodeNameOf(node.leaderOf(gid)))
                    : askMembers(q);
            leader.whenComplete((name, err) -> {
                if (name != null && !name.isEmpty() && (!isSelf(name) || node.isLeaderReady(gid))) f.complete(name);
                else if (System.currentTimeMillis() > deadline) {
                    f.completeExceptionally(new DomainException(DomainException.Kind.UNAVAILABLE, "no leader for " + q.describe()
                            + ": a majority of its members " + q.members() + " cannot be reached"));
                } else {
                    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(attempt[0]);
                }
            });
        };
        attempt[0].run();
        return f;
    }

    /** Leaders of groups this node is not a member of, as last learnt (kept so that lookups stay in order). */
    private final java.util.Map<String, String> knownLeaders = new java.util.concurrent.ConcurrentHashMap<>();

    private CompletableFuture<String> askMembers(QueueRecord q) {
        String known = knownLeaders.get(q.groupId());
        if (known != null) return CompletableFuture.completedFuture(known);
        CompletableFuture<String> f = new CompletableFuture<>();
        askMember(q, new ArrayList<>(q.members()), 0, f);
        return f.thenApply(name -> {
            if (name != null && !name.isEmpty()) knownLeaders.put(q.groupId(), name);
            return name;
        });
    }

    /** A call to a queue's node failed: look its leader up again next time. */
    void forgetLeader(QueueRecord q) { if (q.groupId() != null) knownLeaders.remove(q.groupId()); }

    private void askMember(QueueRecord q, List<String> members, int i, CompletableFuture<String> f) {
        if (i >= members.size()) { f.complete(null); return; }
        byte[] req = LinkProtocol.request(LinkProtocol.LEADER).shortStr(q.groupId()).toByteArray();
        String address;
        try {
            address = addressOf(members.get(i));
        } catch (DomainException e) {
            askMember(q, members, i + 1, f);
            return;
        }
        link.call(address, req, 2000).whenComplete((b, err) -> {
            String name = null;
            if (err == null) {
                try { name = LinkProtocol.answer(b).shortStr(); } catch (RuntimeException ignored) { }
            }
            if (name != null && !name.isEmpty()) f.complete(name);
            else askMember(q, members, i + 1, f);
        });
    }

    /** An auto-delete queue lost its last consumer: completes once its deletion is applied on this node. */
    CompletableFuture<Void> autoDelete(QueueRecord q) {
        return submit(new MetadataCommand.DeleteQueue(q.vhost(), q.name(), q.id())).handle((r, e) -> {
            if (e != null) LOG.warn("auto-delete of {} failed: {}", q.describe(), e.toString());
            return null;
        });
    }

    private void onQueueLeaderChanged(RaftGroupId gid, RaftPeerId leader) {
        boolean here = leader != null && leader.equals(node.id());
        housekeeping.execute(() -> host.leaderChanged(gid, here));
    }

    // ---- BrokerPort ----

    @Override public String nodeName() { return config.nodeName(); }

    @Override public MetadataPort metadata() { return this; }

    @Override public QueuePort queues() { return this; }

    @Override public Alarms alarms() { return alarms; }

    // ---- metadata ----

    @Override public MetadataState state() { return metadataSm.state(); }

    @Override
    public CompletableFuture<CommandResult> submit(MetadataCommand command) {
        byte[] payload = CommandCodec.encode(command);
        CompletableFuture<CommandResult> applied;
        if (node.isLeaderReady(GroupIds.METADATA)) {
            // in-process on the leader; if leadership moved meanwhile, through a client like any other node
            applied = node.submit(GroupIds.METADATA, payload).thenApply(b -> CommandCodec.decodeResult(b.toByteArray()))
                    .exceptionallyCompose(e -> submitThroughClient(payload));
        } else {
            applied = submitThroughClient(payload);
        }
        return applied.handle((r, err) -> {
            if (err != null) {
                throw new CompletionException(new DomainException(DomainException.Kind.UNAVAILABLE,
                        "metadata change not committed (no majority of the metadata group reachable?): " + rootMessage(err)));
            }
            return r;
        }).thenCompose(r -> r instanceof CommandResult.Refused ? CompletableFuture.completedFuture(r) // nothing changed
                : barrier.everywhere(metadataSm.appliedIndex()).thenApply(v -> r)) // every reachable node routes with it
        .thenCompose(r -> {
            if (r instanceof CommandResult.QueueDeclared d && d.queue().hasGroup()) {
                return locate(d.queue()).thenApply(leader -> r); // declare-ok once the group can take messages
            }
            return CompletableFuture.completedFuture(r);
        });
    }

    /** Submits to the metadata leader wherever it is, then waits until this replica has applied the command. */
    private CompletableFuture<CommandResult> submitThroughClient(byte[] payload) {
        RaftGroup group = currentMetadataGroup();
        CompletableFuture<RaftClientReply> sent = node.client(group).async()
                .send(org.apache.ratis.protocol.Message.valueOf(UnsafeByteOperations.unsafeWrap(payload)));
        return sent.whenComplete((reply, err) -> {
            if (err != null || !reply.isSuccess()) node.resetClient(group); // its connections may be backing off
        }).thenCompose(reply -> {
            if (!reply.isSuccess()) throw new CompletionException(reply.getException());
            CommandResult r = CommandCodec.decodeResult(reply.getMessage().getContent().toByteArray());
            return metadataSm.awaitApplied(reply.getLogIndex()).thenApply(v -> r);
        });
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t != t.getCause()) t = t.getCause();
        return t.toString();
    }

    @Override
    public CompletableFuture<Void> sync() {
        return node.read(GroupIds.METADATA).handle((b, err) -> {
            if (err != null) LOG.debug("metadata read barrier failed: {}", err.toString());
            return null;
        });
    }

    /** Called on the metadata group's apply thread on every node: local effects only, never blocking. */
    private void onMetadataApplied(MetadataCommand cmd, CommandResult result) {
        if (result instanceof CommandResult.QueueDeclared d && d.created()) {
            QueueRecord q = d.queue();
            if (!q.hasGroup() && isSelf(q.ownerNode())) host.classicDeclared(q);
            if (q.hasGroup() && q.members().contains(config.nodeName())) {
                housekeeping.execute(() -> {
                    RaftGroupId g = GroupIds.forQueueGroup(q.groupId());
                    if (!node.hasGroup(g)) node.addGroup(queueGroup(q)).exceptionally(e -> {
                        LOG.warn("creating the group of {} failed: {}", q.describe(), e.toString());
                        return null;
                    });
                });
            }
        } else if (result instanceof CommandResult.QueuesDeleted del) {
            for (QueueRecord q : del.queues()) {
                host.queueDeleted(q);
                if (q.hasGroup() && q.members().contains(config.nodeName())) {
                    boolean shared = state().allQueues().stream().anyMatch(o -> q.groupId().equals(o.groupId()));
                    housekeeping.execute(() -> { if (shared) dropQueueOfSharedGroup(q); else dropGroup(q); });
                }
            }
        }
    }

    /** Other queues still live in the group: only this queue's data goes (and later ops for it are ignored). */
    private void dropQueueOfSharedGroup(QueueRecord q) {
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        try {
            if (node.hasGroup(gid)) ((QueueGroupStateMachine) node.stateMachine(gid)).dropQueue(q.id());
        } catch (IOException e) {
            LOG.warn("dropping {} from its shared group failed: {}", q.describe(), e.toString());
        }
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
            host.groupRemoved(gid);
        }
    }

    // ---- queue operations: here, or where the queue is served ----

    /**
     * Runs an operation where {@code q} is served. While its group elects a new leader the node we thought
     * served it may be gone: a {@code retryable} operation looks the leader up again and retries for up to
     * {@value #FAILOVER_WAIT_MS} ms; a publish does not (it is nacked, and the publisher republishes).
     */
    private <T> CompletableFuture<T> onHost(QueueRecord q, boolean retryable,
                                            java.util.function.Function<QueueHost, CompletableFuture<T>> local,
                                            java.util.function.Supplier<BinaryWriter> request,
                                            java.util.function.Function<BinaryReader, T> answer) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attemptOnHost(q, retryable, local, request, answer, result, System.currentTimeMillis() + FAILOVER_WAIT_MS);
        return result;
    }

    static final long FAILOVER_WAIT_MS = 15_000;

    private <T> void attemptOnHost(QueueRecord q, boolean retryable, java.util.function.Function<QueueHost, CompletableFuture<T>> local,
                                   java.util.function.Supplier<BinaryWriter> request, java.util.function.Function<BinaryReader, T> answer,
                                   CompletableFuture<T> result, long deadline) {
        locate(q).thenCompose(h -> {
            if (isSelf(h)) {
                try {
                    return local.apply(host);
                } catch (DomainException e) {
                    return CompletableFuture.<T>failedFuture(e);
                }
            }
            // one ordered stream per peer: a channel's publishes and settles reach the queue in the order made
            return link.orderedCall(addressOf(h), request.get().toByteArray())
                    .orTimeout(LINK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .thenApply(b -> answer.apply(LinkProtocol.answer(b)));
        }).whenComplete((v, err) -> {
            if (err == null) {
                result.complete(v);
                return;
            }
            Throwable c = unwrap(err);
            boolean moved = unreachable(c);
            forgetLeader(q);
            if (retryable && moved && System.currentTimeMillis() < deadline && queueExists(q)) {
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                        .execute(() -> attemptOnHost(q, true, local, request, answer, result, deadline));
            } else {
                result.completeExceptionally(c instanceof DomainException ? c
                        : new DomainException(DomainException.Kind.UNAVAILABLE, q.describe() + " cannot be reached: " + c.getMessage()));
            }
        });
    }

    private static BinaryWriter req(int op, QueueRecord q) {
        BinaryWriter w = LinkProtocol.request(op);
        LinkProtocol.queue(w, q);
        return w;
    }

    @Override
    public CompletableFuture<Void> publish(QueueRecord q, Message m) {
        return onHost(q, false, h -> h.publish(q, m), () -> {
            BinaryWriter w = req(LinkProtocol.PUBLISH, q);
            m.writeTo(w);
            return w;
        }, r -> null);
    }

    @Override
    public CompletableFuture<QueueConsumer> consume(QueueRecord q, ConsumerSpec spec, ConsumerSink sink) {
        return new ManagedConsumer(this, q, spec, sink).start();
    }

    @Override
    public CompletableFuture<Delivery> get(QueueRecord q, boolean noAck) {
        return onHost(q, true, h -> CompletableFuture.completedFuture(h.engine(q).get(noAck)),
                () -> req(LinkProtocol.GET, q).bool(noAck),
                r -> r.bool() ? LinkProtocol.delivery(r, q) : null);
    }

    private CompletableFuture<Void> settleOnHost(QueueRecord q, long[] offsets, int op) {
        return onHost(q, true, h -> h.settle(q, offsets, op == LinkProtocol.REQUEUE), () -> {
            BinaryWriter w = req(op, q);
            LinkProtocol.offsets(w, offsets);
            return w;
        }, r -> null);
    }

    @Override
    public CompletableFuture<Void> settle(QueueRecord q, long[] offsets) { return quietly(settleOnHost(q, offsets, LinkProtocol.SETTLE)); }

    @Override
    public CompletableFuture<Void> requeue(QueueRecord q, long[] offsets) { return quietly(settleOnHost(q, offsets, LinkProtocol.REQUEUE)); }

    @Override
    public CompletableFuture<Void> discard(QueueRecord q, long[] offsets) { return quietly(settleOnHost(q, offsets, LinkProtocol.DISCARD)); }

    /** A settle for a queue that is gone, or whose leader moved, is not the channel's error. */
    private CompletableFuture<Void> quietly(CompletableFuture<Void> f) {
        return f.exceptionally(e -> {
            LOG.debug("settle not applied: {}", e.toString());
            return null;
        });
    }

    @Override
    public CompletableFuture<Long> purge(QueueRecord q) {
        return onHost(q, true, h -> h.purge(q), () -> req(LinkProtocol.PURGE, q), BinaryReader::i64);
    }

    @Override
    public CompletableFuture<QueueStats> stats(QueueRecord q) {
        return onHost(q, true, h -> CompletableFuture.completedFuture(h.engine(q).stats()), () -> req(LinkProtocol.STATS, q),
                r -> new QueueStats(r.i64(), r.i64(), r.i64(), r.i32()));
    }

    @Override
    public CompletableFuture<Long> deleteQueue(QueueRecord q, boolean ifUnused, boolean ifEmpty) {
        // if-unused/if-empty need the real counts; an unconditional delete goes ahead when the queue cannot answer
        CompletableFuture<QueueStats> counts = ifUnused || ifEmpty ? stats(q) : stats(q).exceptionally(e -> new QueueStats(0, 0, 0, 0));
        return counts.thenCompose(s -> {
            if (ifUnused && s.consumers() > 0) throw new CompletionException(DomainException.precondition(q.describe() + " in use"));
            if (ifEmpty && s.messages() > 0) throw new CompletionException(DomainException.precondition(q.describe() + " not empty"));
            return submit(new MetadataCommand.DeleteQueue(q.vhost(), q.name(), q.id())).thenApply(r -> s.messages());
        });
    }

    @Override
    public void close() {
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
