package io.warren.raft;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.raft.queue.QueueGroupStateMachine;
import io.warren.storage.RocksStore;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCallStreamObserver;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A queue group's state for a follower too far behind for the leader's log: the leader streams a consistent view of
 * the group's keys over the link, the follower replaces its own with it. Both sides run on the housekeeping thread.
 */
final class GroupTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(GroupTransfer.class);

    private final Executor housekeeping;
    private final RocksStore store;
    private final io.warren.raft.link.LinkClient link;
    private final Function<String, String> addressOfPeer;
    private final Supplier<RaftNode> node;

    GroupTransfer(Executor housekeeping, RocksStore store, io.warren.raft.link.LinkClient link,
                  Function<String, String> addressOfPeer, Supplier<RaftNode> node) {
        this.housekeeping = housekeeping;
        this.store = store;
        this.link = link;
        this.addressOfPeer = addressOfPeer;
        this.node = node;
    }

    /** Leader side: streams a consistent view of the group (chunks [0][entries], then [1][term][index]). */
    void export(byte[] request, StreamObserver<byte[]> out) {
        housekeeping.execute(() -> {
            var server = (ServerCallStreamObserver<byte[]>) out;
            try (RocksStore.View view = store.view()) {
                RaftGroupId gid = RaftGroupId.valueOf(java.util.UUID.fromString(new String(request, StandardCharsets.UTF_8)));
                QueueGroupStateMachine sm = (QueueGroupStateMachine) node.get().stateMachine(gid);
                var ti = sm.export(view, chunk -> {
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (!server.isReady() && !server.isCancelled() && System.currentTimeMillis() < deadline) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    out.onNext(new BinaryWriter(chunk.length + 1).u8(0).bytes(chunk).toByteArray());
                });
                if (ti == null) throw new IllegalStateException("nothing applied yet in group " + gid);
                out.onNext(new BinaryWriter(17).u8(1).i64(ti.getTerm()).i64(ti.getIndex()).toByteArray());
                out.onCompleted();
            } catch (Exception e) {
                LOG.warn("export of a queue group failed: {}", e.toString());
                out.onError(org.apache.ratis.thirdparty.io.grpc.Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            }
        });
    }

    /** Follower side: replaces the group's state here with the leader's. */
    CompletableFuture<TermIndex> install(QueueGroupStateMachine sm, String leader) {
        CompletableFuture<TermIndex> done = new CompletableFuture<>();
        housekeeping.execute(() -> {
            try {
                sm.beginImport();
                TermIndex[] at = new TermIndex[1];
                link.export(addressOfPeer.apply(leader), sm.getGroupId().getUuid().toString().getBytes(StandardCharsets.UTF_8),
                        new StreamObserver<>() {
                            @Override public void onNext(byte[] frame) {
                                BinaryReader r = new BinaryReader(frame);
                                if (r.u8() == 0) sm.importChunk(r.bytes(r.remaining()));
                                else at[0] = TermIndex.valueOf(r.i64(), r.i64());
                            }

                            @Override public void onError(Throwable t) { done.completeExceptionally(t); }

                            @Override public void onCompleted() {
                                try {
                                    done.complete(sm.finishImport(at[0]));
                                } catch (Exception e) {
                                    done.completeExceptionally(e);
                                }
                            }
                        });
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }
}
