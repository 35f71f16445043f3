package io.warren.raft;

import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.state.MetadataState;
import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Who belongs to the cluster: joining a running cluster (this node's side and the side it asks), forgetting a node
 * (out of the metadata group and every queue group), and the status an operator sees (members, which answer, the
 * metadata leader). Configuration changes of Raft groups run on the housekeeping thread.
 */
final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final long PING_TIMEOUT_MS = 2_000;

    private final RaftNode node;
    private final Nodes nodes;
    private final LinkClient link;
    private final MetadataSubmitter metadata;
    private final Executor housekeeping;

    Membership(RaftNode node, Nodes nodes, LinkClient link, MetadataSubmitter metadata, Executor housekeeping) {
        this.node = node;
        this.nodes = nodes;
        this.link = link;
        this.metadata = metadata;
        this.housekeeping = housekeeping;
    }

    private MetadataState state() { return metadata.state(); }

    // ---- joining ----

    /** This node joins the cluster of the node at {@code address}: forms the metadata group with its members, then asks to be one. */
    void join(String address, NodeRecord self) throws IOException {
        try {
            List<NodeRecord> members = link.call(address, new LinkCall.Join(self), 10_000).get(15, TimeUnit.SECONDS);
            node.addGroup(Nodes.metadataGroup(members)).join();
            link.call(address, new LinkCall.JoinCommit(self), 120_000).get(130, TimeUnit.SECONDS);
            LOG.info("joined the cluster of {}", address);
        } catch (Exception e) {
            throw new IOException("cannot join the cluster at " + address + ": " + Retry.unwrap(e).getMessage(), e);
        }
    }

    /** A joining node asks for the members it must form the metadata group with: the current ones and itself. */
    List<NodeRecord> membersWith(NodeRecord joining) {
        List<NodeRecord> members = new ArrayList<>(state().nodes());
        members.removeIf(n -> n.name().equals(joining.name()));
        members.add(joining);
        return members;
    }

    /** The joining node has the metadata group now: make it a voter (or listener) and a node of the metadata. */
    CompletableFuture<Void> admit(NodeRecord joining) {
        return changeMetadataMembers(membersWith(joining))
                .thenCompose(v -> metadata.submit(new MetadataCommand.AddNode(joining)))
                .thenApply(r -> null);
    }

    // ---- forgetting ----

    /** forget_cluster_node: out of the metadata group and of every queue group; its classic queues go. */
    CompletableFuture<Void> forget(String name) {
        if (nodes.isSelf(name)) return CompletableFuture.failedFuture(DomainException.invalid("a node cannot forget itself"));
        if (state().node(name) == null) return CompletableFuture.failedFuture(DomainException.notFound("node '" + name + "' in the cluster"));
        List<NodeRecord> rest = new ArrayList<>(state().nodes());
        rest.removeIf(n -> n.name().equals(name));
        Map<String, QueueRecord> affected = new LinkedHashMap<>(); // a group once, however many queues it hosts
        for (QueueRecord q : state().allQueues()) if (q.members().contains(name)) affected.putIfAbsent(q.groupId(), q);
        return changeMetadataMembers(rest)
                .thenCompose(v -> metadata.submit(new MetadataCommand.RemoveNode(name)))
                .thenCompose(v -> {
                    List<CompletableFuture<?>> fs = new ArrayList<>();
                    for (QueueRecord q : affected.values()) fs.add(removeMember(q, name));
                    return CompletableFuture.allOf(fs.toArray(CompletableFuture<?>[]::new));
                });
    }

    private CompletableFuture<Void> removeMember(QueueRecord q, String name) {
        return CompletableFuture.runAsync(() -> {
            try {
                RaftGroup g = nodes.queueGroup(q);
                List<RaftPeer> keep = new ArrayList<>(g.getPeers());
                keep.removeIf(p -> p.getId().equals(RaftPeerId.valueOf(GroupIds.peerId(name))));
                node.client(g).admin().setConfiguration(keep);
            } catch (IOException e) {
                LOG.warn("removing {} from the group of {}: {}", name, q.describe(), e.toString());
            }
        }, housekeeping);
    }

    private CompletableFuture<Void> changeMetadataMembers(List<NodeRecord> members) {
        List<RaftPeer> voters = new ArrayList<>(), listeners = new ArrayList<>();
        for (RaftPeer p : Nodes.metadataGroup(members).getPeers()) {
            (p.getStartupRole() == RaftPeerRole.LISTENER ? listeners : voters).add(p);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                RaftClientReply reply = node.client(metadata.currentGroup()).admin().setConfiguration(voters, listeners);
                if (!reply.isSuccess()) throw new CompletionException(reply.getException());
                return null;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, housekeeping);
    }

    // ---- status ----

    /** cluster_status: the nodes, which of them answer (asked in parallel), the metadata leader. */
    CompletableFuture<Admin.ClusterStatus> status() {
        RaftPeerId leader = node.leaderOf(GroupIds.METADATA);
        String leaderName = leader == null ? "" : String.valueOf(nodes.nameOf(leader));
        List<NodeRecord> all = new ArrayList<>(state().nodes());
        List<CompletableFuture<Boolean>> running = new ArrayList<>();
        for (NodeRecord n : all) running.add(nodes.isSelf(n.name()) ? CompletableFuture.completedFuture(true) : answers(n.raftAddress()));
        return CompletableFuture.allOf(running.toArray(CompletableFuture<?>[]::new)).thenApply(x -> {
            List<Admin.Member> members = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                members.add(new Admin.Member(all.get(i).name(), all.get(i).raftAddress(), running.get(i).join()));
            }
            return new Admin.ClusterStatus(leaderName, members);
        });
    }

    /** Whether the node at {@code address} answers a link call within {@value #PING_TIMEOUT_MS} ms. */
    CompletableFuture<Boolean> answers(String address) {
        return link.call(address, new LinkCall.Leader("q0"), PING_TIMEOUT_MS).handle((v, err) -> err == null);
    }
}
