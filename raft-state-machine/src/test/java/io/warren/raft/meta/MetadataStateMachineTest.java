package io.warren.raft.meta;

import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.MetadataCommand;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class MetadataStateMachineTest {
    /**
     * Seen in the benchmark: declaring a transient queue through a node that was not the metadata leader failed with
     * 404 "no queue" now and then. The node waited until it had applied the declare, but "applied" moved before the
     * node had registered the new classic queue (onApplied), and declare-ok asked that registry for the counts.
     */
    @Test
    void aWaiterForAnIndexIsReleasedOnlyOnceTheCommandHasBeenActedOn() throws Exception {
        CountDownLatch inCallback = new CountDownLatch(1), release = new CountDownLatch(1);
        MetadataStateMachine sm = new MetadataStateMachine((cmd, result) -> {
            inCallback.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, leader -> CompletableFuture.failedFuture(new UnsupportedOperationException()));
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(1)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
                        .setLogData(ByteString.copyFrom(CommandCodec.encode(new MetadataCommand.AddVhost("v1")))))
                .build();
        TransactionContext trx = TransactionContext.newBuilder().setStateMachine(sm).setServerRole(RaftPeerRole.FOLLOWER)
                .setLogEntry(entry).build();
        Thread apply = new Thread(() -> sm.applyTransaction(trx), "apply");
        apply.start();
        assertTrue(inCallback.await(10, TimeUnit.SECONDS));
        assertEquals(1, sm.getLastAppliedTermIndex().getIndex(), "the state is applied");
        CompletableFuture<Void> waiter = sm.awaitApplied(1);
        Thread.sleep(100);
        assertFalse(waiter.isDone(), "not released while the node is still acting on the command");
        release.countDown();
        waiter.get(10, TimeUnit.SECONDS);
        apply.join(10_000);
        assertTrue(sm.awaitApplied(1).isDone());
        assertNotNull(sm.state().vhost("v1"));
    }
}
