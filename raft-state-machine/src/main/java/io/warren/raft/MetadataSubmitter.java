package io.warren.raft;

import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.state.MetadataState;
import io.warren.raft.meta.MetadataStateMachine;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The metadata port over the metadata group: a command goes to the group's leader (in-process when that is this node,
 * else through a Raft client), and its result is answered once it is committed, applied here, applied by every other
 * reachable node ({@link MetadataBarrier}) and — for a declared group queue — its group has a leader to take messages.
 */
final class MetadataSubmitter implements MetadataPort {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataSubmitter.class);

    private final RaftNode node;
    private final Nodes nodes;
    private final MetadataStateMachine metadata;
    private final MetadataBarrier barrier;
    private final QueueLocator locator;

    MetadataSubmitter(RaftNode node, Nodes nodes, MetadataStateMachine metadata, MetadataBarrier barrier, QueueLocator locator) {
        this.node = node;
        this.nodes = nodes;
        this.metadata = metadata;
        this.barrier = barrier;
        this.locator = locator;
    }

    @Override public MetadataState state() { return metadata.state(); }

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
                : barrier.everywhere(metadata.appliedIndex()).thenApply(v -> r)) // every reachable node routes with it
        .thenCompose(r -> {
            if (r instanceof CommandResult.QueueDeclared d && d.queue().hasGroup()) {
                return locator.locate(d.queue()).thenApply(leader -> r); // declare-ok once the group can take messages
            }
            return CompletableFuture.completedFuture(r);
        });
    }

    /** Submits to the metadata leader wherever it is, then waits until this replica has applied the command. */
    private CompletableFuture<CommandResult> submitThroughClient(byte[] payload) {
        RaftGroup group = currentGroup();
        CompletableFuture<RaftClientReply> sent = node.client(group).async()
                .send(org.apache.ratis.protocol.Message.valueOf(UnsafeByteOperations.unsafeWrap(payload)));
        return sent.whenComplete((reply, err) -> {
            if (err != null || !reply.isSuccess()) node.resetClient(group); // its connections may be backing off
        }).thenCompose(reply -> {
            if (!reply.isSuccess()) throw new CompletionException(reply.getException());
            CommandResult r = CommandCodec.decodeResult(reply.getMessage().getContent().toByteArray());
            return metadata.awaitApplied(reply.getLogIndex()).thenApply(v -> r);
        });
    }

    /** The metadata group as this node's division has it (its configuration may have changed since formation). */
    RaftGroup currentGroup() {
        try {
            return node.server().getDivision(GroupIds.METADATA).getGroup();
        } catch (IOException e) {
            return Nodes.metadataGroup(nodes.configured());
        }
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
}
