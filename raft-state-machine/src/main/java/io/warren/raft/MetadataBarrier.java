package io.warren.raft;

import io.warren.metadata.model.NodeRecord;
import io.warren.raft.link.LinkClient;
import io.warren.raft.link.LinkCall;
import io.warren.raft.meta.MetadataStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A metadata change is acknowledged once every reachable node has applied it, as RabbitMQ replicates its metadata
 * before the -ok: after queue.bind-ok on one node, a publish through any other node routes with the binding (a node
 * routes from the metadata it has applied, and a follower learns that an entry is committed only with the leader's
 * next message, up to a heartbeat later). A node that did not answer in time is not waited for again until it answers
 * (a node cut off by a partition would otherwise slow every declare); it is still told, and routes with the change
 * once it has caught up.
 */
final class MetadataBarrier {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataBarrier.class);
    /** How long a change waits for one node to apply it. */
    static final long PEER_WAIT_MS = 2_000;

    private final String self;
    private final LinkClient link;
    private final MetadataStateMachine metadata;
    /** Nodes that did not answer the last time: changes do not wait for them until they do. */
    private final Map<String, Boolean> lagging = new ConcurrentHashMap<>();

    MetadataBarrier(String self, LinkClient link, MetadataStateMachine metadata) {
        this.self = self;
        this.link = link;
        this.metadata = metadata;
    }

    /** Completes once every other reachable node has applied the metadata log up to {@code index}. */
    CompletableFuture<Void> everywhere(long index) {
        List<CompletableFuture<?>> waits = new ArrayList<>();
        for (NodeRecord n : metadata.state().nodes()) {
            if (n.name().equals(self)) continue;
            CompletableFuture<Void> applied = link.call(n.raftAddress(), new LinkCall.MetadataApplied(index), PEER_WAIT_MS).handle((b, err) -> {
                if (err == null) {
                    lagging.remove(n.name());
                } else if (lagging.put(n.name(), Boolean.TRUE) == null) {
                    LOG.info("node {} did not apply metadata index {} in {} ms ({}): not waiting for it until it answers",
                            n.name(), index, PEER_WAIT_MS, err.toString());
                }
                return null;
            });
            if (!lagging.containsKey(n.name())) waits.add(applied);
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture<?>[]::new));
    }

    /**
     * The answer to another node's {@link #everywhere}: once this replica has applied {@code index}. (The leader tells
     * followers of a commit at once; asking it for a read index first was slower: ClusterTest's 1,000 binds took 75 s
     * with it, 48 s without.)
     */
    CompletableFuture<Void> applied(long index) {
        return metadata.awaitApplied(index).orTimeout(PEER_WAIT_MS, TimeUnit.MILLISECONDS);
    }
}
