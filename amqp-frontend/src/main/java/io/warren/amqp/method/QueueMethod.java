package io.warren.amqp.method;

import java.util.Map;

/** AMQP 0-9-1 class queue (50). */
public sealed interface QueueMethod extends Method permits QueueMethod.Declare, QueueMethod.DeclareOk, QueueMethod.Bind, QueueMethod.BindOk, QueueMethod.Purge, QueueMethod.PurgeOk, QueueMethod.Delete, QueueMethod.DeleteOk, QueueMethod.Unbind, QueueMethod.UnbindOk {
    int CLASS_ID = 50;

    @Override default int classId() { return CLASS_ID; }

    record Declare(int ticket, String queue, boolean passive, boolean durable, boolean exclusive, boolean autoDelete, boolean nowait, Map<String, Object> arguments) implements QueueMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(queue);
            w.bit(passive);
            w.bit(durable);
            w.bit(exclusive);
            w.bit(autoDelete);
            w.bit(nowait);
            w.table(arguments);
        }
        static Declare read(MethodReader r) {
            return new Declare(r.shortInt(), r.shortStr(), r.bit(), r.bit(), r.bit(), r.bit(), r.bit(), r.table());
        }
    }

    record DeclareOk(String queue, int messageCount, int consumerCount) implements QueueMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortStr(queue);
            w.longInt(messageCount);
            w.longInt(consumerCount);
        }
        static DeclareOk read(MethodReader r) {
            return new DeclareOk(r.shortStr(), r.longInt(), r.longInt());
        }
    }

    record Bind(int ticket, String queue, String exchange, String routingKey, boolean nowait, Map<String, Object> arguments) implements QueueMethod {
        public static final int ID = 20;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(queue);
            w.shortStr(exchange);
            w.shortStr(routingKey);
            w.bit(nowait);
            w.table(arguments);
        }
        static Bind read(MethodReader r) {
            return new Bind(r.shortInt(), r.shortStr(), r.shortStr(), r.shortStr(), r.bit(), r.table());
        }
    }

    record BindOk() implements QueueMethod {
        public static final int ID = 21;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static BindOk read(MethodReader r) { return new BindOk(); }
    }

    record Purge(int ticket, String queue, boolean nowait) implements QueueMethod {
        public static final int ID = 30;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(queue);
            w.bit(nowait);
        }
        static Purge read(MethodReader r) {
            return new Purge(r.shortInt(), r.shortStr(), r.bit());
        }
    }

    record PurgeOk(int messageCount) implements QueueMethod {
        public static final int ID = 31;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.longInt(messageCount);
        }
        static PurgeOk read(MethodReader r) {
            return new PurgeOk(r.longInt());
        }
    }

    record Delete(int ticket, String queue, boolean ifUnused, boolean ifEmpty, boolean nowait) implements QueueMethod {
        public static final int ID = 40;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(queue);
            w.bit(ifUnused);
            w.bit(ifEmpty);
            w.bit(nowait);
        }
        static Delete read(MethodReader r) {
            return new Delete(r.shortInt(), r.shortStr(), r.bit(), r.bit(), r.bit());
        }
    }

    record DeleteOk(int messageCount) implements QueueMethod {
        public static final int ID = 41;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.longInt(messageCount);
        }
        static DeleteOk read(MethodReader r) {
            return new DeleteOk(r.longInt());
        }
    }

    record Unbind(int ticket, String queue, String exchange, String routingKey, Map<String, Object> arguments) implements QueueMethod {
        public static final int ID = 50;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(queue);
            w.shortStr(exchange);
            w.shortStr(routingKey);
            w.table(arguments);
        }
        static Unbind read(MethodReader r) {
            return new Unbind(r.shortInt(), r.shortStr(), r.shortStr(), r.shortStr(), r.table());
        }
    }

    record UnbindOk() implements QueueMethod {
        public static final int ID = 51;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static UnbindOk read(MethodReader r) { return new UnbindOk(); }
    }
}
