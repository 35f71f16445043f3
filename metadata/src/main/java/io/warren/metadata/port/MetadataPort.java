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
}
