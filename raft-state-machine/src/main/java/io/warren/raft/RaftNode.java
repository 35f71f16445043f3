package io.warren.raft;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's Ratis server: every group it is a member of (the metadata group, queue groups), on the light
 * settings DESIGN.md gives for running many groups on a small machine. Commands are submitted in-process
 * when this node leads the group.
 */
public final class RaftNode implements AutoCloseable {
    /**
     * Largest log entry: Ratis bounds entries by the appender buffer limit, and allocates a direct write
     * buffer of at least that size per group, so it is kept small; larger messages are written in pieces.
     */
    public static final int ENTRY_BYTES_MAX = 1 << 20;
    private final RaftPeer self;
    private final RaftServer server;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();

    private final RaftProperties clientProperties = new RaftProperties();
    private final java.util.Map<RaftGroup, org.apache.ratis.client.RaftClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code link} is served on the Raft port beside Ratis's own services. */
    public RaftNode(String nodeId, String raftAddress, Path raftDir, int raftPort, StateMachine.Registry registry,
                    org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition link, long snapshotThreshold) throws IOException {
        this.self = RaftPeer.newBuilder().setId(nodeId).setAddress(raftAddress).build();
        RaftProperties p = properties(raftDir, raftPort, snapshotThreshold);
        org.apache.ratis.conf.Parameters params = new org.apache.ratis.conf.Parameters();
        GrpcConfigKeys.Server.setServicesCustomizer(params, (builder, types) -> {
            if (types.contains(org.apache.ratis.grpc.server.GrpcServices.Type.SERVER)) {
                builder.addService(link);
                // the link's clients ping every 10 s to notice a dead or partitioned peer: allow it
                builder.permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
                // and the server pings them: a consumer stream whose node went away behind a partition (its FIN lost,
                // nothing more to send) is found dead and its checked-out messages go back to the queue
                builder.keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(5, TimeUnit.SECONDS);
            }
            return builder;
        });
        RaftConfigKeys.Rpc.setType(clientProperties, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(clientProperties, TimeDuration.valueOf(5, TimeUnit.SECONDS));
        this.server = RaftServer.newBuilder()
                .setServerId(self.getId())
                .setProperties(p)
                .setParameters(params)
                .setStateMachineRegistry(registry)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /**
     * A client for a group this node may not lead (or not be a member of): it finds the leader and retries
     * for up to {@code 15 s}, then fails, so a minority side answers with an error rather than hanging.
     */
    public org.apache.ratis.client.RaftClient client(RaftGroup group) {
        // keyed by group and peers: a membership change makes a new client (rare; old ones close with the node)
        return clients.computeIfAbsent(group, g -> org.apache.ratis.client.RaftClient.newBuilder()
                .setProperties(clientProperties).setRaftGroup(g)
                .setRetryPolicy(org.apache.ratis.retry.RetryPolicies.retryUpToMaximumCountWithFixedSleep(60,
                        TimeDuration.valueOf(250, TimeUnit.MILLISECONDS)))
                .build());
    }

    /** Drops the client of {@code group}: its connections may sit in a reconnect back-off after peers were down. */
    public void resetClient(RaftGroup group) {
        org.apache.ratis.client.RaftClient c = clients.remove(group);
        if (c != null) {
            try { c.close(); } catch (IOException ignored) { }
        }
    }

    /**
     * Light settings (DESIGN.md, "Raft groups"): election timeouts of 0.6–1.2 s — DESIGN.md measured storms at
     * 150/300 ms with under 100 groups on a loaded 2-core machine; with the long tail of queues in shared
     * groups a node carries a dozen or two groups, and a dead leader's queues confirm again after ~1.2 s —,
     * small per-group buffers and caches, bounded cached executors.
     */
    static RaftProperties properties(Path raftDir, int raftPort, long snapshotThreshold) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setPort(p, raftPort);
        GrpcConfigKeys.Server.setHeartbeatChannel(p, false);
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        RaftServerConfigKeys.setRemovedGroupsDir(p, raftDir.resolve("removed-groups").toFile());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(1200, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(150, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(10, TimeUnit.SECONDS));
        RaftServerConfigKeys.ThreadPool.setServerCached(p, true);
        RaftServerConfigKeys.ThreadPool.setServerSize(p, 2);
        RaftServerConfigKeys.ThreadPool.setClientCached(p, true);
        RaftServerConfigKeys.ThreadPool.setClientSize(p, 2);
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(ENTRY_BYTES_MAX + 64 * 1024));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(ENTRY_BYTES_MAX));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("64KB"));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, snapshotThreshold)));
        // a follower behind the leader's purged log fetches the state itself (the state machines' install)
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        // No snapshot on stop: a snapshot at exactly the index before a leader's first log entry makes Ratis 3.3
        // loop on "already installed" notifications. A restart replays the log since the last threshold snapshot.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        RaftServerConfigKeys.Snapshot.setTriggerWhenRemoveEnabled(p, false);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotThreshold);
        RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf("512MB"));
        // reads (the metadata read barrier) are linearizable, served by followers through the leader's read index
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        return p;
    }

    public void start() throws IOException { server.start(); }

    public RaftPeer self() { return self; }

    public RaftServer server() { return server; }

    public StateMachine stateMachine(RaftGroupId group) throws IOException {
        return server.getDivision(group).getStateMachine();
    }

    public boolean hasGroup(RaftGroupId group) {
        for (RaftGroupId g : server.getGroupIds()) if (g.equals(group)) return true;
        return false;
    }

    /** True once this node leads {@code group} and has applied what earlier terms committed. */
    public boolean isLeaderReady(RaftGroupId group) {
        try {
            var info = server.getDivision(group).getInfo();
            return info.isLeader() && info.isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** The peer this node believes leads {@code group}, or null (no leader known, or not a member). */
    public RaftPeerId leaderOf(RaftGroupId group) {
        try {
            return server.getDivision(group).getInfo().getLeaderId();
        } catch (IOException e) {
            return null;
        }
    }

    /** Appends a command to a group's log; completes with the state machine's reply once applied here. */
    public CompletableFuture<ByteString> submit(RaftGroupId group, byte[] payload) {
        return send(group, Message.valueOf(UnsafeByteOperations.unsafeWrap(payload)), RaftClientRequest.writeRequestType());
    }

    /** A linearizable read on this node's replica of {@code group} (waits until it has caught up). */
    public CompletableFuture<ByteString> read(RaftGroupId group) {
        return send(group, Message.EMPTY, RaftClientRequest.readRequestType());
    }

    private CompletableFuture<ByteString> send(RaftGroupId group, Message message, RaftClientRequest.Type type) {
        RaftClientRequest req = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(self.getId())
                .setGroupId(group)
                .setCallId(callIds.incrementAndGet())
                .setMessage(message)
                .setType(type)
                .build();
        try {
            return server.submitClientRequestAsync(req).thenApply(RaftNode::content);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static ByteString content(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            Exception e = reply.getException();
            throw new CompletionException(e != null ? e : new IOException("raft request failed"));
        }
        return reply.getMessage().getContent();
    }

    public CompletableFuture<Void> addGroup(RaftGroup group) {
        try {
            return server.groupManagementAsync(GroupManagementRequest.newAdd(clientId, self.getId(),
                    callIds.incrementAndGet(), group)).thenApply(r -> null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletableFuture<Void> removeGroup(RaftGroupId group) {
        try {
            return server.groupManagementAsync(GroupManagementRequest.newRemove(clientId, self.getId(),
                    callIds.incrementAndGet(), group, true, false)).thenApply(r -> null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public RaftPeerId id() { return self.getId(); }

    @Override
    public void close() throws IOException {
        for (org.apache.ratis.client.RaftClient c : clients.values()) {
            try { c.close(); } catch (IOException ignored) { }
        }
        server.close();
    }
}
