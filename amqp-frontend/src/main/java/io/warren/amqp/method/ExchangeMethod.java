package io.warren.amqp.method;

import java.util.Map;

/** AMQP 0-9-1 class exchange (40). */
public sealed interface ExchangeMethod extends Method permits ExchangeMethod.Declare, ExchangeMethod.DeclareOk, ExchangeMethod.Delete, ExchangeMethod.DeleteOk, ExchangeMethod.Bind, ExchangeMethod.BindOk, ExchangeMethod.Unbind, ExchangeMethod.UnbindOk {
    int CLASS_ID = 40;

    @Override default int classId() { return CLASS_ID; }

    record Declare(int ticket, String exchange, String type, boolean passive, boolean durable, boolean autoDelete, boolean internal, boolean nowait, Map<String, Object> arguments) implements ExchangeMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(exchange);
            w.shortStr(type);
            w.bit(passive);
            w.bit(durable);
            w.bit(autoDelete);
            w.bit(internal);
            w.bit(nowait);
            w.table(arguments);
        }
        static Declare read(MethodReader r) {
            return new Declare(r.shortInt(), r.shortStr(), r.shortStr(), r.bit(), r.bit(), r.bit(), r.bit(), r.bit(), r.table());
        }
    }

    record DeclareOk() implements ExchangeMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static DeclareOk read(MethodReader r) { return new DeclareOk(); }
    }

    record Delete(int ticket, String exchange, boolean ifUnused, boolean nowait) implements ExchangeMethod {
        public static final int ID = 20;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(exchange);
            w.bit(ifUnused);
            w.bit(nowait);
        }
        static Delete read(MethodReader r) {
            return new Delete(r.shortInt(), r.shortStr(), r.bit(), r.bit());
        }
    }

    record DeleteOk() implements ExchangeMethod {
        public static final int ID = 21;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static DeleteOk read(MethodReader r) { return new DeleteOk(); }
    }

    record Bind(int ticket, String destination, String source, String routingKey, boolean nowait, Map<String, Object> arguments) implements ExchangeMethod {
        public static final int ID = 30;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(destination);
            w.shortStr(source);
            w.shortStr(routingKey);
            w.bit(nowait);
            w.table(arguments);
        }
        static Bind read(MethodReader r) {
            return new Bind(r.shortInt(), r.shortStr(), r.shortStr(), r.shortStr(), r.bit(), r.table());
        }
    }

    record BindOk() implements ExchangeMethod {
        public static final int ID = 31;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static BindOk read(MethodReader r) { return new BindOk(); }
    }

    record Unbind(int ticket, String destination, String source, String routingKey, boolean nowait, Map<String, Object> arguments) implements ExchangeMethod {
        public static final int ID = 40;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(destination);
            w.shortStr(source);
            w.shortStr(routingKey);
            w.bit(nowait);
            w.table(arguments);
        }
        static Unbind read(MethodReader r) {
            return new Unbind(r.shortInt(), r.shortStr(), r.shortStr(), r.shortStr(), r.bit(), r.table());
        }
    }

    record UnbindOk() implements ExchangeMethod {
        public static final int ID = 51;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static UnbindOk read(MethodReader r) { return new UnbindOk(); }
    }
}
