package io.warren.raft.link;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.port.Sessions;
import io.warren.raft.link.LinkCall.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one codec of link calls. A request is [envelope version][op code][fields]; its answer [0][result] or
 * [1][error kind code][message]. Every switch here is over {@link LinkCall.Op} and exhaustive: a new call does not
 * compile until it is encoded, decoded and answered.
 */
public final class LinkCodec {
    /** The envelope's version: a node refuses a request of a version it does not know (with a clear error). */
    public static final int VERSION = 1;

    private LinkCodec() { }

    // ---- requests ----

    public static byte[] encode(LinkCall<?> call) {
        BinaryWriter w = new BinaryWriter(64).u8(VERSION).u8(call.op().code());
        BinaryWriter done = switch (call.op()) {
            case LEADER -> w.shortStr(((Leader) call).groupId());
            case PUBLISH, PUBLISH_ONCE -> {
                Publish p = (Publish) call;
                CommandCodec.writeQueue(w, p.queue());
                p.message().writeTo(w);
                yield p.origin() == null ? w : p.origin().writeTo(w);
            }
            case GET -> CommandCodec.writeQueue(w, ((Get) call).queue()).bool(((Get) call).noAck());
            case GET_TRACKED -> CommandCodec.writeQueue(w, ((Get) call).queue()).bool(((Get) call).noAck()).i64(((Get) call).requestId());
            case UNGET -> CommandCodec.writeQueue(w, ((Unget) call).queue()).i64(((Unget) call).requestId());
            case SETTLE, REQUEUE, DISCARD, RETRY -> offsets(CommandCodec.writeQueue(w, ((Settle) call).queue()), ((Settle) call).offsets());
            case PURGE -> CommandCodec.writeQueue(w, ((Purge) call).queue());
            case STATS -> CommandCodec.writeQueue(w, ((Stats) call).queue());
            case DECLARED -> CommandCodec.writeQueue(w, ((Declared) call).queue());
            case STATUS, EXPORT_METADATA, LOCAL_SESSIONS, LIST_SESSIONS, CONNECTION_COUNTS -> w;
            case JOIN -> node(w, ((Join) call).node());
            case JOIN_COMMIT -> node(w, ((JoinCommit) call).node());
            case FORGET -> w.shortStr(((Forget) call).node());
            case METADATA_APPLIED -> w.i64(((MetadataApplied) call).index());
            case SET_POLICY -> CommandCodec.writePolicy(w, ((SetPolicy) call).policy());
            case CLEAR_POLICY -> w.shortStr(((ClearPolicy) call).vhost()).shortStr(((ClearPolicy) call).name());
            case LIST_POLICIES -> w.shortStr(((ListPolicies) call).vhost());
            case SET_OPERATOR_POLICY -> CommandCodec.writePolicy(w, ((SetOperatorPolicy) call).policy());
            case CLEAR_OPERATOR_POLICY -> w.shortStr(((ClearOperatorPolicy) call).vhost()).shortStr(((ClearOperatorPolicy) call).name());
            case LIST_OPERATOR_POLICIES -> w.shortStr(((ListOperatorPolicies) call).vhost());
            case SET_DEFAULT_QUEUE_TYPE -> w.shortStr(((SetDefaultQueueType) call).vhost()).shortStr(((SetDefaultQueueType) call).type());
            case LIST_QUEUES -> w.shortStr(((ListQueues) call).vhost());
            case LIST_EXCHANGES -> w.shortStr(((ListExchanges) call).vhost());
            case LIST_BINDINGS -> w.shortStr(((ListBindings) call).vhost());
            case SERVED_QUEUES -> w.shortStr(((ServedQueues) call).vhost());
            case CLOSE_CONNECTION -> w.longStr(((CloseConnection) call).connectionId()).longStr(((CloseConnection) call).reason());
            case MANAGE -> {
                Manage m = (Manage) call;
                w.shortStr(m.method()).i32(m.path().size());
                for (String s : m.path()) w.longStr(s);
                w.i32(m.query().size());
                new java.util.TreeMap<>(m.query()).forEach((k, v) -> w.longStr(k).longStr(v));
                yield w.longBytes(m.body());
            }
        };
        return done.toByteArray();
    }

    public static LinkCall<?> decode(byte[] request) {
        BinaryReader r = new BinaryReader(request);
        int version = r.u8();
        if (version != VERSION) {
            throw new DomainException(DomainException.Kind.NOT_IMPLEMENTED, "link envelope version " + version
                    + " is not known to this node (it speaks " + VERSION + "): are the cluster's nodes of different releases?");
        }
        Op op = Op.ofCode(r.u8());
        return switch (op) {
            case LEADER -> new Leader(r.shortStr());
            case PUBLISH -> new Publish(CommandCodec.readQueue(r), Message.readFrom(r));
            case PUBLISH_ONCE -> new Publish(CommandCodec.readQueue(r), Message.readFrom(r), Origin.readFrom(r));
            case GET -> new Get(CommandCodec.readQueue(r), r.bool());
            case GET_TRACKED -> new Get(CommandCodec.readQueue(r), r.bool(), r.i64());
            case UNGET -> new Unget(CommandCodec.readQueue(r), r.i64());
            case SETTLE, REQUEUE, DISCARD, RETRY -> new Settle(op, CommandCodec.readQueue(r), offsets(r));
            case PURGE -> new Purge(CommandCodec.readQueue(r));
            case STATS -> new Stats(CommandCodec.readQueue(r));
            case DECLARED -> new Declared(CommandCodec.readQueue(r));
            case STATUS -> new Status();
            case EXPORT_METADATA -> new ExportMetadata();
            case LOCAL_SESSIONS -> new LocalSessions();
            case LIST_SESSIONS -> new ListSessions();
            case CONNECTION_COUNTS -> new ConnectionCounts();
            case JOIN -> new Join(node(r));
            case JOIN_COMMIT -> new JoinCommit(node(r));
            case FORGET -> new Forget(r.shortStr());
            case METADATA_APPLIED -> new MetadataApplied(r.i64());
            case SET_POLICY -> new SetPolicy(CommandCodec.readPolicy(r));
            case CLEAR_POLICY -> new ClearPolicy(r.shortStr(), r.shortStr());
            case LIST_POLICIES -> new ListPolicies(r.shortStr());
            case SET_OPERATOR_POLICY -> new SetOperatorPolicy(CommandCodec.readPolicy(r));
            case CLEAR_OPERATOR_POLICY -> new ClearOperatorPolicy(r.shortStr(), r.shortStr());
            case LIST_OPERATOR_POLICIES -> new ListOperatorPolicies(r.shortStr());
            case SET_DEFAULT_QUEUE_TYPE -> new SetDefaultQueueType(r.shortStr(), r.shortStr());
            case LIST_QUEUES -> new ListQueues(r.shortStr());
            case LIST_EXCHANGES -> new ListExchanges(r.shortStr());
            case LIST_BINDINGS -> new ListBindings(r.shortStr());
            case SERVED_QUEUES -> new ServedQueues(r.shortStr());
            case CLOSE_CONNECTION -> new CloseConnection(r.longStr(), r.longStr());
            case MANAGE -> {
                String method = r.shortStr();
                int n = r.count(4);
                List<String> path = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) path.add(r.longStr());
                int nq = r.count(8);
                java.util.Map<String, String> query = new java.util.HashMap<>();
                for (int i = 0; i < nq; i++) query.put(r.longStr(), r.longStr());
                yield new Manage(method, path, query, r.longBytes());
            }
        };
    }

    // ---- answers ----

    /** The answer to {@code call}: {@code result} must be of the call's answer type. */
    @SuppressWarnings("unchecked")
    public static byte[] answer(LinkCall<?> call, Object result) {
        BinaryWriter w = new BinaryWriter(64).u8(0);
        BinaryWriter done = switch (call.op()) {
            case PUBLISH, PUBLISH_ONCE, SETTLE, REQUEUE, DISCARD, RETRY, JOIN_COMMIT, FORGET, METADATA_APPLIED, SET_POLICY,
                 CLEAR_POLICY, SET_OPERATOR_POLICY, CLEAR_OPERATOR_POLICY, SET_DEFAULT_QUEUE_TYPE, UNGET -> w;
            case LEADER -> w.shortStr(result == null ? "" : (String) result);
            case GET, GET_TRACKED -> {
                Delivery d = (Delivery) result;
                w.bool(d != null);
                if (d != null) LinkProtocol.delivery(w, d);
                yield w;
            }
            case PURGE -> w.i64((Long) result);
            case STATS, DECLARED -> stats(w, (QueueStats) result);
            case STATUS -> {
                Admin.ClusterStatus s = (Admin.ClusterStatus) result;
                w.shortStr(s.metadataLeader());
                yield list(w, s.members(), (x, m) -> x.shortStr(m.name()).shortStr(m.raftAddress()).bool(m.running()));
            }
            case JOIN -> list(w, (List<NodeRecord>) result, LinkCodec::node);
            case EXPORT_METADATA -> w.longBytes((byte[]) result);
            case LIST_POLICIES, LIST_OPERATOR_POLICIES -> list(w, (List<PolicyRecord>) result, CommandCodec::writePolicy);
            case LIST_QUEUES -> list(w, (List<Admin.QueueInfo>) result, LinkCodec::queueInfo);
            case LIST_EXCHANGES -> list(w, (List<ExchangeRecord>) result, CommandCodec::writeExchange);
            case LIST_BINDINGS -> list(w, (List<BindingRecord>) result, CommandCodec::writeBinding);
            case LOCAL_SESSIONS, LIST_SESSIONS -> SessionsCodec.write(w, (Sessions.Snapshot) result);
            case MANAGE -> w.u16(((Managed) result).status()).longBytes(((Managed) result).body());
            case CLOSE_CONNECTION -> w.bool((Boolean) result);
            case CONNECTION_COUNTS -> {
                Sessions.Counts c = (Sessions.Counts) result;
                yield counts(counts(counts(w, c.byVhost()), c.byUser()), c.channelsByUser());
            }
            case SERVED_QUEUES -> {
                java.util.Map<Long, QueueStats> served = (java.util.Map<Long, QueueStats>) result;
                w.i32(served.size());
                new java.util.TreeMap<>(served).forEach((id, st) -> stats(w.i64(id), st)); // in id order: one encoding per answer
                yield w;
            }
        };
        return done.toByteArray();
    }

    /** Reads the answer to {@code call}, or throws the domain error it carries. */
    @SuppressWarnings("unchecked")
    public static <R> R readAnswer(LinkCall<R> call, byte[] answer) {
        BinaryReader r = new BinaryReader(answer);
        if (r.u8() != 0) throw new DomainException(DomainException.Kind.ofCode(r.u8()), r.longStr());
        Object result = switch (call.op()) {
            case PUBLISH, PUBLISH_ONCE, SETTLE, REQUEUE, DISCARD, RETRY, JOIN_COMMIT, FORGET, METADATA_APPLIED, SET_POLICY,
                 CLEAR_POLICY, SET_OPERATOR_POLICY, CLEAR_OPERATOR_POLICY, SET_DEFAULT_QUEUE_TYPE, UNGET -> null;
            case LEADER -> r.shortStr();
            case GET, GET_TRACKED -> r.bool() ? LinkProtocol.delivery(r, ((Get) call).queue()) : null;
            case PURGE -> r.i64();
            case STATS, DECLARED -> stats(r);
            case STATUS -> {
                String leader = r.shortStr();
                yield new Admin.ClusterStatus(leader, list(r, x -> new Admin.Member(x.shortStr(), x.shortStr(), x.bool())));
            }
            case JOIN -> list(r, LinkCodec::node);
            case EXPORT_METADATA -> r.longBytes();
            case LIST_POLICIES, LIST_OPERATOR_POLICIES -> list(r, CommandCodec::readPolicy);
            case LIST_QUEUES -> list(r, LinkCodec::queueInfo);
            case LIST_EXCHANGES -> list(r, CommandCodec::readExchange);
            case LIST_BINDINGS -> list(r, CommandCodec::readBinding);
            case LOCAL_SESSIONS, LIST_SESSIONS -> SessionsCodec.read(r);
            case MANAGE -> new Managed(r.u16(), r.longBytes());
            case CLOSE_CONNECTION -> r.bool();
            case CONNECTION_COUNTS -> new Sessions.Counts(counts(r), counts(r), counts(r));
            case SERVED_QUEUES -> {
                int n = r.count(36);
                java.util.Map<Long, QueueStats> served = new java.util.HashMap<>();
                for (int i = 0; i < n; i++) served.put(r.i64(), stats(r));
                yield served;
            }
        };
        return (R) result;
    }

    /** A refusal (a domain error) or a failure (anything else: INTERNAL) as an answer. */
    public static byte[] error(Throwable t) {
        DomainException d = t instanceof DomainException de ? de : new DomainException(DomainException.Kind.INTERNAL, String.valueOf(t));
        return new BinaryWriter(64).u8(1).u8(d.kind().code()).longStr(String.valueOf(d.getMessage())).toByteArray();
    }

    // ---- parts ----

    private static BinaryWriter counts(BinaryWriter w, java.util.Map<String, Integer> m) {
        w.i32(m.size());
        new java.util.TreeMap<>(m).forEach((k, n) -> w.longStr(k).i32(n));
        return w;
    }

    private static java.util.Map<String, Integer> counts(BinaryReader r) {
        int n = r.count(8);
        java.util.Map<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) m.put(r.longStr(), r.i32());
        return m;
    }

    private static BinaryWriter node(BinaryWriter w, NodeRecord n) { return w.shortStr(n.name()).shortStr(n.raftAddress()); }

    private static NodeRecord node(BinaryReader r) { return new NodeRecord(r.shortStr(), r.shortStr()); }

    private static BinaryWriter stats(BinaryWriter w, QueueStats s) {
        return w.i64(s.messages()).i64(s.messagesReady()).i64(s.messagesUnacked()).i32(s.consumers());
    }

    private static QueueStats stats(BinaryReader r) { return new QueueStats(r.i64(), r.i64(), r.i64(), r.i32()); }

    private static BinaryWriter queueInfo(BinaryWriter w, Admin.QueueInfo q) {
        CommandCodec.writeQueue(w, q.queue()).shortStr(q.leader());
        list(w, q.online(), BinaryWriter::shortStr);
        w.bool(q.stats() != null);
        return q.stats() != null ? stats(w, q.stats()) : w;
    }

    private static Admin.QueueInfo queueInfo(BinaryReader r) {
        var queue = CommandCodec.readQueue(r);
        String leader = r.shortStr();
        List<String> online = list(r, BinaryReader::shortStr);
        return new Admin.QueueInfo(queue, leader, online, r.bool() ? stats(r) : null);
    }

    private static BinaryWriter offsets(BinaryWriter w, long[] offsets) {
        LinkProtocol.offsets(w, offsets);
        return w;
    }

    private static long[] offsets(BinaryReader r) { return LinkProtocol.offsets(r); }

    static <T> BinaryWriter list(BinaryWriter w, List<T> items, BiConsumer<BinaryWriter, T> item) {
        w.i32(items.size());
        for (T t : items) item.accept(w, t);
        return w;
    }

    static <T> List<T> list(BinaryReader r, Function<BinaryReader, T> item) {
        int n = r.i32();
        if (n < 0 || n > r.remaining()) throw new BinaryReader.MalformedException("bad list length " + n);
        List<T> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(item.apply(r));
        return l;
    }
}
