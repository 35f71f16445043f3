package io.warren.amqp.method;

/** AMQP 0-9-1 class tx (90). */
public sealed interface TxMethod extends Method permits TxMethod.Select, TxMethod.SelectOk, TxMethod.Commit, TxMethod.CommitOk, TxMethod.Rollback, TxMethod.RollbackOk {
    int CLASS_ID = 90;

    @Override default int classId() { return CLASS_ID; }

    record Select() implements TxMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) { }
        static Select read(MethodReader r) { return new Select(); }
    }

    record SelectOk() implements TxMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static SelectOk read(MethodReader r) { return new SelectOk(); }
    }

    record Commit() implements TxMethod {
        public static final int ID = 20;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) { }
        static Commit read(MethodReader r) { return new Commit(); }
    }

    record CommitOk() implements TxMethod {
        public static final int ID = 21;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static CommitOk read(MethodReader r) { return new CommitOk(); }
    }

    record Rollback() implements TxMethod {
        public static final int ID = 30;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) { }
        static Rollback read(MethodReader r) { return new Rollback(); }
    }

    record RollbackOk() implements TxMethod {
        public static final int ID = 31;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static RollbackOk read(MethodReader r) { return new RollbackOk(); }
    }
}
