package io.warren.metadata.command;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;
import io.warren.metadata.command.MetadataCommand.*;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.HashingAlgorithm;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.TopicPermission;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.state.MetadataState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Versioned binary codec of metadata commands, results and state snapshots. Layout: one version octet,
 * one tag octet, then the fields. A newer version must keep decoding every older one.
 */
public final class CommandCodec {
    public static final int VERSION = 1;

    private CommandCodec() { }

    public static byte[] encode(MetadataCommand cmd) {
        BinaryWriter w = new BinaryWriter();
        w.u8(VERSION);
        write(w, cmd);
        return w.toByteArray();
    }

    public static MetadataCommand decode(byte[] b) {
        BinaryReader r = new BinaryReader(b);
        int v = r.u8();
        if (v != VERSION) throw new IllegalArgumentException("unknown metadata command version " + v);
        return read(r);
    }

    /** One case per command kind: a new kind does not compile until it is encoded here. */
    private static void write(BinaryWriter w, MetadataCommand cmd) {
        w.u8(cmd.kind().code());
        BinaryWriter done = switch (cmd.kind()) {
            case ADD_VHOST -> w.shortStr(((AddVhost) cmd).name());
            case PUT_USER -> writeUser(w, ((PutUser) cmd).user()); // never written now: PutUser is PUT_USER_HASHED
            case PUT_USER_HASHED -> writeUser(w, ((PutUser) cmd).user()).u8(((PutUser) cmd).user().algorithm().code());
            case DELETE_USER -> w.shortStr(((DeleteUser) cmd).name());
            case SET_GLOBAL_PARAMETER -> {
                SetGlobalParameter c = (SetGlobalParameter) cmd;
                yield w.shortStr(c.name()).bool(c.valueJson() != null).longStr(c.valueJson() == null ? "" : c.valueJson());
            }
            case CLEAR_PERMISSION -> w.shortStr(((ClearPermission) cmd).user()).shortStr(((ClearPermission) cmd).vhost());
            case DELETE_VHOST -> w.shortStr(((DeleteVhost) cmd).name());
            case SET_VHOST_METADATA -> {
                SetVhostMetadata c = (SetVhostMetadata) cmd;
                w.shortStr(c.name()).longStr(c.description()).i32(c.tags().size());
                for (String t : c.tags()) w.longStr(t);
                yield w;
            }
            case SET_TOPIC_PERMISSION -> {
                TopicPermission p = ((SetTopicPermission) cmd).permission();
                yield w.shortStr(p.user()).shortStr(p.vhost()).shortStr(p.exchange()).longStr(p.write()).longStr(p.read());
            }
            case CLEAR_TOPIC_PERMISSION -> {
                ClearTopicPermission c = (ClearTopicPermission) cmd;
                yield w.shortStr(c.user()).shortStr(c.vhost()).shortStr(c.exchange());
            }
            case SET_LIMITS -> {
                SetLimits c = (SetLimits) cmd;
                w.u8(c.scope().code()).shortStr(c.name()).i32(c.limits().size());
                new java.util.TreeMap<>(c.limits()).forEach((k, v) -> w.shortStr(k).i64(v));
                yield w;
            }
            case SET_PERMISSION -> {
                Permission p = ((SetPermission) cmd).permission();
                yield w.shortStr(p.user()).shortStr(p.vhost()).longStr(p.configure()).longStr(p.write()).longStr(p.read());
            }
            case DECLARE_EXCHANGE -> writeExchange(w, ((DeclareExchange) cmd).exchange());
            case DELETE_EXCHANGE -> {
                DeleteExchange c = (DeleteExchange) cmd;
                yield w.shortStr(c.vhost()).shortStr(c.name()).bool(c.ifUnused());
            }
            case DECLARE_QUEUE -> {
                DeclareQueue c = (DeclareQueue) cmd;
                w.shortStr(c.vhost()).shortStr(c.name()).u8(c.type().code()).bool(c.durable()).bool(c.exclusive())
                        .bool(c.autoDelete());
                FieldTables.writeTable(w, c.arguments());
                optStr(w, c.ownerNode());
                yield optStr(w, c.exclusiveOwner());
            }
            case DELETE_QUEUE -> {
                DeleteQueue c = (DeleteQueue) cmd;
                yield w.shortStr(c.vhost()).shortStr(c.name()).i64(c.id());
            }
            case BIND -> writeBinding(w, ((Bind) cmd).binding());
            case UNBIND -> writeBinding(w, ((Unbind) cmd).binding());
            case DROP_EXCLUSIVE_QUEUES -> w.longStr(((DropExclusiveQueues) cmd).connectionId());
            case NODE_STARTED -> {
                NodeStarted c = (NodeStarted) cmd;
                yield w.shortStr(c.node()).bool(c.dropTransientExchanges());
            }
            case ADD_NODE -> {
                AddNode c = (AddNode) cmd;
                yield w.shortStr(c.node().name()).shortStr(c.node().raftAddress());
            }
            case REMOVE_NODE -> w.shortStr(((RemoveNode) cmd).name());
            case SET_POLICY -> writePolicy(w, ((SetPolicy) cmd).policy());
            case CLEAR_POLICY -> {
                ClearPolicy c = (ClearPolicy) cmd;
                yield w.shortStr(c.vhost()).shortStr(c.name());
            }
            case SET_OPERATOR_POLICY -> writePolicy(w, ((SetOperatorPolicy) cmd).policy());
            case SET_VHOST_DEFAULT_QUEUE_TYPE -> {
                SetVhostDefaultQueueType c = (SetVhostDefaultQueueType) cmd;
                yield w.shortStr(c.vhost()).bool(c.type() != null).u8(c.type() == null ? 0 : c.type().code());
            }
            case CLEAR_OPERATOR_POLICY -> {
                ClearOperatorPolicy c = (ClearOperatorPolicy) cmd;
                yield w.shortStr(c.vhost()).shortStr(c.name());
            }
        };
        assert done == w;
    }

    private static MetadataCommand read(BinaryReader r) {
        return switch (MetadataCommand.Kind.ofCode(r.u8())) {
            case ADD_VHOST -> new AddVhost(r.shortStr());
            case PUT_USER -> new PutUser(readUser(r));
            case PUT_USER_HASHED -> {
                UserRecord u = readUser(r);
                yield new PutUser(new UserRecord(u.name(), u.passwordHash(), u.tags(), u.loopbackOnly(), HashingAlgorithm.ofCode(r.u8())));
            }
            case DELETE_USER -> new DeleteUser(r.shortStr());
            case SET_GLOBAL_PARAMETER -> {
                String name = r.shortStr();
                boolean set = r.bool();
                String value = r.longStr();
                yield new SetGlobalParameter(name, set ? value : null);
            }
            case CLEAR_PERMISSION -> new ClearPermission(r.shortStr(), r.shortStr());
            case DELETE_VHOST -> new DeleteVhost(r.shortStr());
            case SET_VHOST_METADATA -> {
                String name = r.shortStr();
                String description = r.longStr();
                int n = r.count(4);
                List<String> tags = new ArrayList<>();
                for (int i = 0; i < n; i++) tags.add(r.longStr());
                yield new SetVhostMetadata(name, description, tags);
            }
            case SET_TOPIC_PERMISSION -> new SetTopicPermission(new TopicPermission(r.shortStr(), r.shortStr(), r.shortStr(), r.longStr(), r.longStr()));
            case CLEAR_TOPIC_PERMISSION -> new ClearTopicPermission(r.shortStr(), r.shortStr(), r.shortStr());
            case SET_LIMITS -> {
                LimitScope scope = LimitScope.ofCode(r.u8());
                String name = r.shortStr();
                int n = r.count(9);
                Map<String, Long> limits = new java.util.HashMap<>();
                for (int i = 0; i < n; i++) limits.put(r.shortStr(), r.i64());
                yield new SetLimits(scope, name, limits);
            }
            case SET_PERMISSION -> new SetPermission(new Permission(r.shortStr(), r.shortStr(), r.longStr(), r.longStr(), r.longStr()));
            case DECLARE_EXCHANGE -> new DeclareExchange(readExchange(r));
            case DELETE_EXCHANGE -> new DeleteExchange(r.shortStr(), r.shortStr(), r.bool());
            case DECLARE_QUEUE -> new DeclareQueue(r.shortStr(), r.shortStr(), QueueType.ofCode(r.u8()), r.bool(), r.bool(), r.bool(),
                    FieldTables.readTable(r), optStr(r), optStr(r));
            case DELETE_QUEUE -> new DeleteQueue(r.shortStr(), r.shortStr(), r.i64());
            case BIND -> new Bind(readBinding(r));
            case UNBIND -> new Unbind(readBinding(r));
            case DROP_EXCLUSIVE_QUEUES -> new DropExclusiveQueues(r.longStr());
            case NODE_STARTED -> new NodeStarted(r.shortStr(), r.bool());
            case ADD_NODE -> new AddNode(new io.warren.metadata.model.NodeRecord(r.shortStr(), r.shortStr()));
            case REMOVE_NODE -> new RemoveNode(r.shortStr());
            case SET_POLICY -> new SetPolicy(readPolicy(r));
            case CLEAR_POLICY -> new ClearPolicy(r.shortStr(), r.shortStr());
            case SET_OPERATOR_POLICY -> new SetOperatorPolicy(readPolicy(r));
            case SET_VHOST_DEFAULT_QUEUE_TYPE -> {
                String v = r.shortStr();
                boolean set = r.bool();
                int code = r.u8();
                yield new SetVhostDefaultQueueType(v, set ? QueueType.ofCode(code) : null);
            }
            case CLEAR_OPERATOR_POLICY -> new ClearOperatorPolicy(r.shortStr(), r.shortStr());
        };
    }

    // ---- results ----

    public static byte[] encodeResult(CommandResult res) {
        BinaryWriter w = new BinaryWriter();
        w.u8(res.kind().code());
        BinaryWriter done = switch (res.kind()) {
            case OK -> w;
            case QUEUE_DECLARED -> {
                CommandResult.QueueDeclared q = (CommandResult.QueueDeclared) res;
                yield writeQueue(w.bool(q.created()), q.queue());
            }
            case QUEUES_DELETED -> {
                CommandResult.QueuesDeleted d = (CommandResult.QueuesDeleted) res;
                w.i32(d.queues().size());
                for (QueueRecord q : d.queues()) writeQueue(w, q);
                yield w;
            }
            case REFUSED -> {
                CommandResult.Refused f = (CommandResult.Refused) res;
                yield w.u8(f.reason().code()).longStr(f.message());
            }
        };
        return done.toByteArray();
    }

    public static CommandResult decodeResult(byte[] b) {
        BinaryReader r = new BinaryReader(b);
        return switch (CommandResult.Kind.ofCode(r.u8())) {
            case OK -> CommandResult.OK;
            case QUEUE_DECLARED -> { boolean created = r.bool(); yield new CommandResult.QueueDeclared(readQueue(r), created); }
            case QUEUES_DELETED -> {
                int n = r.i32();
                List<QueueRecord> l = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) l.add(readQueue(r));
                yield new CommandResult.QueuesDeleted(l);
            }
            case REFUSED -> new CommandResult.Refused(DomainException.Kind.ofCode(r.u8()), r.longStr());
        };
    }

    // ---- snapshots ----

    public static byte[] encodeState(MetadataState s) {
        BinaryWriter w = new BinaryWriter(4096);
        w.u8(VERSION).i64(s.nextQueueId());
        List<MetadataCommand> cmds = s.asCommands();
        w.i32(cmds.size());
        for (MetadataCommand c : cmds) write(w, c);
        var queues = s.allQueues();
        w.i32(queues.size());
        for (QueueRecord q : queues) writeQueue(w, q);
        var bindings = s.allBindings();
        w.i32(bindings.size());
        for (BindingRecord b : bindings) writeBinding(w, b);
        return w.toByteArray();
    }

    public static MetadataState decodeState(byte[] b) {
        BinaryReader r = new BinaryReader(b);
        int v = r.u8();
        if (v != VERSION) throw new IllegalArgumentException("unknown metadata snapshot version " + v);
        MetadataState s = new MetadataState();
        long next = r.i64();
        int n = r.i32();
        for (int i = 0; i < n; i++) s.apply(read(r));
        n = r.i32();
        for (int i = 0; i < n; i++) s.restoreQueue(readQueue(r));
        n = r.i32();
        for (int i = 0; i < n; i++) s.apply(new Bind(readBinding(r)));
        s.restoreCounters(next);
        return s;
    }

    // ---- records ----

    private static BinaryWriter optStr(BinaryWriter w, String s) {
        w.bool(s != null);
        return s != null ? w.longStr(s) : w;
    }

    private static String optStr(BinaryReader r) { return r.bool() ? r.longStr() : null; }

    private static BinaryWriter writeUser(BinaryWriter w, UserRecord u) {
        w.shortStr(u.name()).longBytes(u.passwordHash()).bool(u.loopbackOnly()).i32(u.tags().size());
        for (String t : u.tags()) w.shortStr(t);
        return w;
    }

    private static UserRecord readUser(BinaryReader r) {
        String name = r.shortStr();
        byte[] hash = r.longBytes();
        boolean loopback = r.bool();
        int n = r.i32();
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < n; i++) tags.add(r.shortStr());
        return new UserRecord(name, hash, tags, loopback);
    }

    public static BinaryWriter writeExchange(BinaryWriter w, ExchangeRecord x) {
        w.shortStr(x.vhost()).shortStr(x.name()).shortStr(x.type().wireName()).bool(x.durable()).bool(x.autoDelete())
                .bool(x.internal());
        FieldTables.writeTable(w, x.arguments());
        return w;
    }

    public static ExchangeRecord readExchange(BinaryReader r) {
        return new ExchangeRecord(r.shortStr(), r.shortStr(), ExchangeType.parse(r.shortStr()).orElseThrow(), r.bool(),
                r.bool(), r.bool(), FieldTables.readTable(r));
    }

    public static BinaryWriter writeQueue(BinaryWriter w, QueueRecord q) {
        w.shortStr(q.vhost()).shortStr(q.name()).i64(q.id()).u8(q.type().code()).bool(q.durable()).bool(q.exclusive())
                .bool(q.autoDelete());
        FieldTables.writeTable(w, q.arguments());
        optStr(w, q.groupId());
        optStr(w, q.ownerNode());
        optStr(w, q.exclusiveOwner());
        w.i32(q.members().size());
        for (String m : q.members()) w.shortStr(m);
        return w;
    }

    public static QueueRecord readQueue(BinaryReader r) {
        String vhost = r.shortStr(), name = r.shortStr();
        long id = r.i64();
        QueueType type = QueueType.ofCode(r.u8());
        boolean durable = r.bool(), exclusive = r.bool(), autoDelete = r.bool();
        var args = FieldTables.readTable(r);
        String group = optStr(r), owner = optStr(r), exclusiveOwner = optStr(r);
        int n = r.i32();
        List<String> members = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) members.add(r.shortStr());
        return new QueueRecord(vhost, name, id, type, durable, exclusive, autoDelete, args, group, owner, exclusiveOwner, members);
    }

    public static BinaryWriter writePolicy(BinaryWriter w, PolicyRecord p) {
        w.shortStr(p.vhost()).shortStr(p.name()).longStr(p.pattern()).shortStr(p.applyTo()).i32(p.priority());
        FieldTables.writeTable(w, p.definition());
        return w;
    }

    public static PolicyRecord readPolicy(BinaryReader r) {
        String vhost = r.shortStr(), name = r.shortStr(), pattern = r.longStr(), applyTo = r.shortStr();
        int priority = r.i32();
        return new PolicyRecord(vhost, name, pattern, applyTo, FieldTables.readTable(r), priority);
    }

    public static BinaryWriter writeBinding(BinaryWriter w, BindingRecord b) {
        w.shortStr(b.vhost()).shortStr(b.source()).bool(b.toExchange()).shortStr(b.destination()).shortStr(b.routingKey());
        FieldTables.writeTable(w, b.arguments());
        return w;
    }

    public static BindingRecord readBinding(BinaryReader r) {
        return new BindingRecord(r.shortStr(), r.shortStr(), r.bool(), r.shortStr(), r.shortStr(), FieldTables.readTable(r));
    }
}
