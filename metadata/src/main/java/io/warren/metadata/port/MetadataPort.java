package io.warren.metadata.port;

import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.state.MetadataState;

import java.util.concurrent.CompletableFuture;

/** The metadata group as a front end sees it. */
public interface MetadataPort {
    /** This node's applied replica: read it to route and to answer passive declares. */
    MetadataState state();

    /**
     * Replicates a command; completes with its result once it is committed and applied on this node, so the
     * next read of {@link #state()} sees it. A refusal is a {@link CommandResult.Refused} result.
     */
    CompletableFuture<CommandResult> submit(MetadataCommand command);

    /** {@link #submit}, with a refusal completing the future exceptionally with its domain error. */
    default CompletableFuture<CommandResult> change(MetadataCommand command) {
        return submit(command).thenApply(r -> {
            if (r instanceof CommandResult.Refused f) throw f.toException();
            return r;
        });
    }

    /**
     * Completes once this replica has applied every change committed before the call (a read barrier): a
     * lookup that missed is repeated after it, so a name declared through another node is found here.
     */
    default CompletableFuture<Void> sync() { return CompletableFuture.completedFuture(null); }
}
