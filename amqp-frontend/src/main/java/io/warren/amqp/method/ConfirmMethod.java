package io.warren.amqp.method;

/** AMQP 0-9-1 class confirm (85). */
public sealed interface ConfirmMethod extends Method permits ConfirmMethod.Select, ConfirmMethod.SelectOk {
    int CLASS_ID = 85;

    @Override default int classId() { return CLASS_ID; }

    record Select(boolean nowait) implements ConfirmMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.bit(nowait);
        }
        static Select read(MethodReader r) {
            return new Select(r.bit());
        }
    }

    record SelectOk() implements ConfirmMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static SelectOk read(MethodReader r) { return new SelectOk(); }
    }
}
