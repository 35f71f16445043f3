package io.warren.raft;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.state.MetadataState;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who is who in the cluster, as this node knows it: node names, their Raft peer ids and addresses (from the applied
 * metadata, else the static configuration), and the Raft groups those make — the metadata group and a queue's group.
 */
final class Nodes {
    /** Voters of the metadata group at most; further nodes follow it as listeners. */
    static final int METADATA_VOTERS_MAX = 5;

    private final String self;
    private final String selfAddress;
    private final List<NodeRecord> configured;
    private final Supplier<MetadataState> state;

    Nodes(String self, String selfAddress, List<NodeRecord> configured, Supplier<MetadataState> state) {
        this.self = self;
        this.selfAddress = selfAddress;
        this.configured = List.copyOf(configured);
        this.state = state;
    }

    String self() { return self; }

    boolean isSelf(String nodeName) { return self.equals(nodeName); }

    /** The static cluster of the configuration, this node included, by name. */
    List<NodeRecord> configured() {
        List<NodeRecord> peers = new ArrayList<>(configured);
        if (peers.stream().noneMatch(p -> p.name().equals(self))) peers.add(new NodeRecord(self, selfAddress));
        peers.sort(Comparator.comparing(NodeRecord::name));
        return peers;
    }

    /** The Raft address of a cluster member; UNAVAILABLE for a name the metadata does not know. */
    String addressOf(String nodeName) {
        NodeRecord n = state.get().node(nodeName);
        if (n == null) throw new DomainException(DomainException.Kind.UNAVAILABLE, "node '" + nodeName + "' is not in the cluster");
        return n.raftAddress();
    }

    /** The Raft address of a peer id (Ratis speaks in those), also of configured nodes the metadata lacks yet. */
    String addressOfPeer(String peerId) {
        for (NodeRecord n : state.get().nodes()) if (GroupIds.peerId(n.name()).equals(peerId)) return n.raftAddress();
        for (NodeRecord n : configured) if (GroupIds.peerId(n.name()).equals(peerId)) return n.raftAddress();
        throw new DomainException(DomainException.Kind.UNAVAILABLE, "unknown peer " + peerId);
    }

    /** The node name of a peer id (the id itself when the metadata does not know it); null for null. */
    String nameOf(RaftPeerId id) {
        if (id == null) return null;
        for (NodeRecord n : state.get().nodes()) if (GroupIds.peerId(n.name()).equals(id.toString())) return n.name();
        return id.toString();
    }

    /** The metadata group over {@code nodes}: the first {@value #METADATA_VOTERS_MAX} by name vote, the others listen. */
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

    /** The Raft group of {@code q}'s members (its preferred leader with the higher priority). */
    RaftGroup queueGroup(QueueRecord q) {
        List<RaftPeer> peers = new ArrayList<>();
        for (String m : q.members()) {
            NodeRecord n = state.get().node(m);
            String address = n != null ? n.raftAddress() : isSelf(m) ? selfAddress : null;
            if (address == null) continue;
            peers.add(RaftPeer.newBuilder().setId(GroupIds.peerId(m)).setAddress(address)
                    .setPriority(m.equals(q.preferredLeader()) ? 1 : 0).build());
        }
        return RaftGroup.valueOf(GroupIds.forQueueGroup(q.groupId()), peers);
    }
}
