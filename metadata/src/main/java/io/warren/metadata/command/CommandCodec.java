package io.warren.metadata.command;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;
import io.warren.metadata.command.MetadataCommand.*;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.state.MetadataState;

import java.util.HashSet;
import java.util.List;
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

    private static void write(BinaryWriter w, MetadataCommand cmd) {
        if (cmd instanceof AddVhost c) { w.u8(1).shortStr(c.name()); }
        else if (cmd instanceof PutUser c) { w.u8(2); writeUser(w, c.user()); }
        else if (cmd instanceof SetPermission c) {
            Permission p = c.permission();
            w.u8(3).shortStr(p.user()).shortStr(p.vhost()).longStr(p.configure()).longStr(p.write()).longStr(p.read());
        } else if (cmd instanceof DeclareExchange c) { w.u8(4); writeExchange(w, c.exchange()); }
        else if (cmd instanceof DeleteExchange c) { w.u8(5).shortStr(c.vhost()).shortStr(c.name()).bool(c.ifUnused()); }
        else if (cmd instanceof DeclareQueue c) {
            w.u8(6).shortStr(c.vhost()).shortStr(c.name()).u8(c.type().ordinal()).bool(c.durable()).bool(c.exclusive())
                    .bool(c.autoDelete());
            FieldTables.writeTable(w, c.arguments());
            optStr(w, c.ownerNode());
            optStr(w, c.exclusiveOwner());
        } else if (cmd instanceof DeleteQueue c) { w.u8(7).shortStr(c.vhost()).shortStr(c.name()).i64(c.id()); }
        else if (cmd instanceof Bind c) { w.u8(8); writeBinding(w, c.binding()); }
        else if (cmd instanceof Unbind c) { w.u8(9); writeBinding(w, c.binding()); }
        else if (cmd instanceof DropExclusiveQueues c) { w.u8(10).longStr(c.connectionId()); }
        else if (cmd instanceof NodeStarted c) { w.u8(11).shortStr(c.node()).bool(c.dropTransientExchanges()); }
        else if (cmd instanceof AddNode c) { w.u8(12).shortStr(c.node().name()).shortStr(c.node().raftAddress()); }
        else if (cmd instanceof RemoveNode c) { w.u8(13).shortStr(c.name()); }
        else if (cmd instanceof SetPolicy c) {
            var p = c.policy();
            w.u8(14).shortStr(p.vhost()).shortStr(p.name()).longStr(p.pattern()).shortStr(p.applyTo()).i32(p.priority());
            FieldTables.writeTable(w, p.definition());
        } else if (cmd instanceof ClearPolicy c) { w.u8(15).shortStr(c.vhost()).shortStr(c.name()); }
        else throw new IllegalArgumentException("unknown command " + cmd);
    }

    private static MetadataCommand read(BinaryReader r) {
        int tag = r.u8();
        return switch (tag) {
            case 1 -> new AddVhost(r.shortStr());
            case 2 -> new PutUser(readUser(r));
            case 3 -> new SetPermission(new Permission(r.shortStr(), r.shortStr(), r.longStr(), r.longStr(), r.longStr()));
            case 4 -> new DeclareExchange(readExchange(r));
            case 5 -> new DeleteExchange(r.shortStr(), r.shortStr(), r.bool());
            case 6 -> new DeclareQueue(r.shortStr(), r.shortStr(), QueueType.values()[r.u8()], r.bool(), r.bool(), r.bool(),
                    FieldTables.readTable(r), optStr(r), optStr(r));
            case 7 -> new DeleteQueue(r.shortStr(), r.shortStr(), r.i64());
            case 8 -> new Bind(readBinding(r));
            case 9 -> new Unbind(readBinding(r));
            case 10 -> new DropExclusiveQueues(r.longStr());
            case 11 -> new NodeStarted(r.shortStr(), r.bool());
            case 12 -> new AddNode(new io.warren.metadata.model.NodeRecord(r.shortStr(), r.shortStr()));
            case 13 -> new RemoveNode(r.shortStr());
            case 14 -> {
                String vhost = r.shortStr(), name = r.shortStr(), pattern = r.longStr(), applyTo = r.shortStr();
                int priority = r.i32();
                yield new SetPolicy(new io.warren.metadata.model.PolicyRecord(vhost, name, pattern, applyTo, FieldTables.readTable(r), priority));
            }
            case 15 -> new ClearPolicy(r.shortStr(), r.shortStr());
            default -> throw new IllegalArgumentException("unknown metadata command tag " + tag);
        };
    }

    // ---- results ----

    public static byte[] encodeResult(CommandResult res) {
        BinaryWriter w = new BinaryWriter();
        if (res instanceof CommandResult.Ok) w.u8(0);
        else if (res instanceof CommandResult.QueueDeclared q) { w.u8(1).bool(q.created()); writeQueue(w, q.queue()); }
        else if (res instanceof CommandResult.QueuesDeleted d) {
            w.u8(2).i32(d.queues().size());
            for (QueueRecord q : d.queues()) writeQueue(w, q);
        } else if (res instanceof CommandResult.Refused f) { w.u8(3).u8(f.kind().ordinal()).longStr(f.message()); }
        return w.toByteArray();
    }

    public static CommandResult decodeResult(byte[] b) {
        BinaryReader r = new BinaryReader(b);
        int tag = r.u8();
        return switch (tag) {
            case 0 -> CommandResult.OK;
            case 1 -> { boolean created = r.bool(); yield new CommandResult.QueueDeclared(readQueue(r), created); }
            case 2 -> {
                int n = r.i32();
                List<QueueRecord> l = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) l.add(readQueue(r));
                yield new CommandResult.QueuesDeleted(l);
            }
            case 3 -> new CommandResult.Refused(DomainException.Kind.values()[r.u8()], r.longStr());
            default -> throw new IllegalArgumentException("unknown result tag " + tag);
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

    private static void optStr(BinaryWriter w, String s) { w.bool(s != null); if (s != null) w.longStr(s); }

    private static String optStr(BinaryReader r) { return r.bool() ? r.longStr() : null; }

    private static void writeUser(BinaryWriter w, UserRecord u) {
        w.shortStr(u.name()).longBytes(u.passwordHash()).bool(u.loopbackOnly()).i32(u.tags().size());
        for (String t : u.tags()) w.shortStr(t);
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

    private static void writeExchange(BinaryWriter w, ExchangeRecord x) {
        w.shortStr(x.vhost()).shortStr(x.name()).shortStr(x.type().wireName()).bool(x.durable()).bool(x.autoDelete())
                .bool(x.internal());
        FieldTables.writeTable(w, x.arguments());
    }

    private static ExchangeRecord readExchange(BinaryReader r) {
        return new ExchangeRecord(r.shortStr(), r.shortStr(), ExchangeType.parse(r.shortStr()).orElseThrow(), r.bool(),
                r.bool(), r.bool(), FieldTables.readTable(r));
    }

    public static void writeQueue(BinaryWriter w, QueueRecord q) {
        w.shortStr(q.vhost()).shortStr(q.name()).i64(q.id()).u8(q.type().ordinal()).bool(q.durable()).bool(q.exclusive())
                .bool(q.autoDelete());
        FieldTables.writeTable(w, q.arguments());
        optStr(w, q.groupId());
        optStr(w, q.ownerNode());
        optStr(w, q.exclusiveOwner());
        w.i32(q.members().size());
        for (String m : q.members()) w.shortStr(m);
    }

    public static QueueRecord readQueue(BinaryReader r) {
        String vhost = r.shortStr(), name = r.shortStr();
        long id = r.i64();
        QueueType type = QueueType.values()[r.u8()];
        boolean durable = r.bool(), exclusive = r.bool(), autoDelete = r.bool();
        var args = FieldTables.readTable(r);
        String group = optStr(r), owner = optStr(r), exclusiveOwner = optStr(r);
        int n = r.i32();
        List<String> members = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) members.add(r.shortStr());
        return new QueueRecord(vhost, name, id, type, durable, exclusive, autoDelete, args, group, owner, exclusiveOwner, members);
    }

    private static void writeBinding(BinaryWriter w, BindingRecord b) {
        w.shortStr(b.vhost()).shortStr(b.source()).bool(b.toExchange()).shortStr(b.destination()).shortStr(b.routingKey());
        FieldTables.writeTable(w, b.arguments());
    }

    private static BindingRecord readBinding(BinaryReader r) {
        return new BindingRecord(r.shortStr(), r.shortStr(), r.bool(), r.shortStr(), r.shortStr(), FieldTables.readTable(r));
    }
}
