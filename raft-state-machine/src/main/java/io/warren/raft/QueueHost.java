package io.warren.raft;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.queue.ClassicQueue;
import io.warren.metadata.queue.QueueEngine;
import io.warren.raft.link.FrameBatcher;
import io.warren.raft.link.LinkProtocol;
import io.warren.raft.queue.GroupProposer;
import io.warren.raft.queue.QueueGroupStateMachine;
import io.warren.raft.queue.GroupQueue;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queues this node serves: its in-memory classic queues, and the queues whose group it leads (quorum queues,
 * durable classic queues). Serves them to local channels directly and to other nodes over the link (calls and
 * consumer streams).
 */
final class QueueHost {
    private static final Logger LOG = LoggerFactory.getLogger(QueueHost.class);

    private final RaftBroker broker;
    private final RaftNode node;
    final Map<Long, ClassicQueue> classicQueues = new ConcurrentHashMap<>();
    private final Map<Long, GroupQueue> groupQueues = new ConcurrentHashMap<>();
    private final Map<RaftGroupId, GroupProposer> proposers = new ConcurrentHashMap<>();
    /** Remote consumers by queue id: their outstanding deliveries are dropped as settles arrive. */
    private final Map<Long, Set<RemoteSink>> remoteSinks = new ConcurrentHashMap<>();

    QueueHost(RaftBroker broker, RaftNode node) {
        this.broker = broker;
        this.node = node;
    }

    // ---- local engines ----

    /** The engine serving {@code q} on this node; UNAVAILABLE when another node serves it now. */
    QueueEngine engine(QueueRecord q) {
        if (!q.hasGroup()) {
            ClassicQueue c = classicQueues.get(q.id());
            if (c == null) throw DomainException.notFound(q.describe());
            return c;
        }
        GroupQueue existing = groupQueues.get(q.id());
        if (existing != null && !existing.isClosed()) return existing;
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        if (!node.isLeaderReady(gid)) throw notHere(q);
        try {
            QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(gid);
            GroupProposer p = proposers.computeIfAbsent(gid, g -> new GroupProposer(node, g));
            return groupQueues.compute(q.id(), (id, old) -> {
                if (old != null && !old.isClosed()) return old;
                GroupQueue qq = new GroupQueue(q, sm.queue(id), p);
                if (q.autoDelete()) qq.onUnused(() -> broker.autoDelete(q));
                sm.attach(id, qq);
                return qq;
            });
        } catch (IOException e) {
            throw notHere(q);
        }
    }

    static DomainException notHere(QueueRecord q) {
        return new DomainException(DomainException.Kind.UNAVAILABLE, q.describe() + " is not served by this node");
    }

    void classicDeclared(QueueRecord q) {
        ClassicQueue c = new ClassicQueue(q);
        if (q.autoDelete()) c.onUnused(() -> broker.autoDelete(q));
        classicQueues.put(q.id(), c);
    }

    void queueDeleted(QueueRecord q) {
        QueueEngine e = q.hasGroup() ? groupQueues.remove(q.id()) : classicQueues.remove(q.id());
        if (e != null) e.close();
        remoteSinks.remove(q.id());
    }

    /** The group's leader changed: if it is no longer this node, consumers are sent to the new one. */
    void leaderChanged(RaftGroupId gid, boolean leadingHere) {
        if (leadingHere) return;
        for (GroupQueue q : groupQueues.values()) {
            if (GroupIds.forQueueGroup(q.record().groupId()).equals(gid)) {
                groupQueues.remove(q.record().id(), q);
                q.handOver();
            }
        }
    }

    void groupRemoved(RaftGroupId gid) { proposers.remove(gid); }

    /** Queue engines this node holds (classic queues, and the group queues it leads), and their remote consumers. */
    int[] engineCounts() {
        int sinks = remoteSinks.values().stream().mapToInt(Set::size).sum();
        return new int[]{classicQueues.size(), groupQueues.size(), sinks};
    }

    void close() {
        classicQueues.values().forEach(QueueEngine::close);
        groupQueues.values().forEach(QueueEngine::handOver);
    }

    // ---- local operations (also what link calls run) ----

    CompletableFuture<Void> publish(QueueRecord q, Message m) {
        QueueEngine e = engine(q);
        return e instanceof GroupQueue qq ? qq.publish(m) : ((ClassicQueue) e).publish(m);
    }

    CompletableFuture<Long> purge(QueueRecord q) {
        QueueEngine e = engine(q);
        return e instanceof GroupQueue qq ? qq.purge() : CompletableFuture.completedFuture(((ClassicQueue) e).purge());
    }

    CompletableFuture<Void> settle(QueueRecord q, long[] offsets, boolean requeue) {
        forgetOutstanding(q, offsets);
        QueueEngine e = engine(q);
        return requeue ? e.requeue(offsets) : e.settle(offsets);
    }

    private void forgetOutstanding(QueueRecord q, long[] offsets) {
        Set<RemoteSink> sinks = remoteSinks.get(q.id());
        if (sinks != null) for (RemoteSink s : sinks) s.forget(offsets);
    }

    // ---- the link: calls ----

    CompletableFuture<byte[]> call(byte[] request) {
        try {
            BinaryReader r = new BinaryReader(request);
            int op = r.u8();
            switch (op) {
                case LinkProtocol.LEADER -> {
                    RaftGroupId gid = GroupIds.forQueueGroup(r.shortStr());
                    String leader = broker.nodeNameOf(node.leaderOf(gid));
                    return done(LinkProtocol.ok().shortStr(leader == null ? "" : leader));
                }
                case LinkProtocol.PUBLISH -> {
                    QueueRecord q = LinkProtocol.queue(r);
                    return publish(q, Message.readFrom(r)).thenApply(v -> LinkProtocol.ok().toByteArray());
                }
                case LinkProtocol.GET -> {
                    QueueRecord q = LinkProtocol.queue(r);
                    Delivery d = engine(q).get(r.bool());
                    BinaryWriter w = LinkProtocol.ok().bool(d != null);
                    if (d != null) LinkProtocol.delivery(w, d);
                    return done(w);
                }
                case LinkProtocol.SETTLE, LinkProtocol.REQUEUE, LinkProtocol.DISCARD -> {
                    QueueRecord q = LinkProtocol.queue(r);
                    return settle(q, LinkProtocol.offsets(r), op == LinkProtocol.REQUEUE)
                            .thenApply(v -> LinkProtocol.ok().toByteArray());
                }
                case LinkProtocol.PURGE -> {
                    QueueRecord q = LinkProtocol.queue(r);
                    return purge(q).thenApply(n -> LinkProtocol.ok().i64(n).toByteArray());
                }
                case LinkProtocol.STATS -> {
                    QueueStats s = engine(LinkProtocol.queue(r)).stats();
                    return done(LinkProtocol.ok().i64(s.messages()).i64(s.messagesReady()).i64(s.messagesUnacked()).i32(s.consumers()));
                }
                default -> {
                    return broker.clusterCall(op, r);
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(LinkProtocol.error(e));
        }
    }

    private static CompletableFuture<byte[]> done(BinaryWriter w) { return CompletableFuture.completedFuture(w.toByteArray()); }

    // ---- the link: consumer streams ----

    StreamObserver<byte[]> consume(StreamObserver<byte[]> out) {
        RemoteSink sink = new RemoteSink(out);
        return new StreamObserver<>() {
            @Override public void onNext(byte[] frames) { FrameBatcher.forEach(frames, sink::onFrame); }

            @Override public void onError(Throwable t) { sink.ended(true); }

            @Override public void onCompleted() { sink.ended(false); }
        };
    }

    /** A consumer on another node, as the queue here sees it. */
    private final class RemoteSink implements ConsumerSink {
        private final FrameBatcher out;
        private final AtomicInteger credit = new AtomicInteger();
        private final Set<Long> outstanding = ConcurrentHashMap.newKeySet();
        private volatile QueueRecord queue;
        private volatile QueueConsumer handle;
        private volatile boolean noAck;

        RemoteSink(StreamObserver<byte[]> out) { this.out = new FrameBatcher(out); }

        void onFrame(byte[] frame) {
            BinaryReader r = new BinaryReader(frame);
            switch (r.u8()) {
                case LinkProtocol.SUBSCRIBE -> {
                    QueueRecord q = LinkProtocol.queue(r);
                    ConsumerSpec spec = LinkProtocol.spec(r);
                    queue = q;
                    noAck = spec.noAck();
                    try {
                        handle = engine(q).addConsumer(spec, this);
                        remoteSinks.computeIfAbsent(q.id(), k -> ConcurrentHashMap.newKeySet()).add(this);
                        out.send(new BinaryWriter(8).u8(LinkProtocol.SUBSCRIBED).toByteArray());
                    } catch (DomainException e) {
                        if (e.kind() == DomainException.Kind.UNAVAILABLE) moved();
                        else out.end(new BinaryWriter(64).u8(LinkProtocol.REFUSED).u8(e.kind().ordinal()).longStr(e.getMessage()).toByteArray());
                    }
                }
                case LinkProtocol.CREDIT -> {
                    credit.addAndGet(r.i32());
                    QueueConsumer h = handle;
                    if (h != null) h.creditAvailable();
                }
                case LinkProtocol.CANCEL -> ended(false);
                default -> LOG.warn("unknown consumer frame");
            }
        }

        void forget(long[] offsets) { for (long o : offsets) outstanding.remove(o); }

        /** The stream ended: a broken one (the consumer's node is gone) returns what it had not settled. */
        void ended(boolean broken) {
            QueueConsumer h = handle;
            if (h != null) h.cancel();
            QueueRecord q = queue;
            if (q != null) {
                Set<RemoteSink> s = remoteSinks.get(q.id());
                if (s != null) s.remove(this);
                if (broken && !outstanding.isEmpty()) {
                    long[] offs = outstanding.stream().mapToLong(Long::longValue).toArray();
                    outstanding.clear();
                    try {
                        engine(q).requeue(offs);
                    } catch (DomainException e) {
                        LOG.debug("could not return {} messages of {}: {}", offs.length, q.describe(), e.getMessage());
                    }
                }
            }
            out.end(null);
        }

        @Override public boolean tryReserve() {
            while (true) {
                int c = credit.get();
                if (c <= 0) return false;
                if (credit.compareAndSet(c, c - 1)) return true;
            }
        }

        @Override public void unreserve() { credit.incrementAndGet(); }

        @Override public void deliver(Delivery d) {
            if (!noAck) outstanding.add(d.offset());
            BinaryWriter w = new BinaryWriter(d.message().footprint() + 32).u8(LinkProtocol.DELIVER);
            LinkProtocol.delivery(w, d);
            out.send(w.toByteArray());
        }

        @Override public void cancelledByServer() { out.end(new BinaryWriter(4).u8(LinkProtocol.CANCELLED).toByteArray()); }

        @Override public void moved() { out.end(new BinaryWriter(4).u8(LinkProtocol.MOVED).toByteArray()); }
    }
}
