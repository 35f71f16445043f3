package io.warren.amqp.method;

/** AMQP 0-9-1 class access (30). */
public sealed interface AccessMethod extends Method permits AccessMethod.Request, AccessMethod.RequestOk {
    int CLASS_ID = 30;

    @Override default int classId() { return CLASS_ID; }

    record Request(String realm, boolean exclusive, boolean passive, boolean active, boolean write, boolean read) implements AccessMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortStr(realm);
            w.bit(exclusive);
            w.bit(passive);
            w.bit(active);
            w.bit(write);
            w.bit(read);
        }
        static Request read(MethodReader r) {
            return new Request(r.shortStr(), r.bit(), r.bit(), r.bit(), r.bit(), r.bit());
        }
    }

    record RequestOk(int ticket) implements AccessMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
        }
        static RequestOk read(MethodReader r) {
            return new RequestOk(r.shortInt());
        }
    }
}
