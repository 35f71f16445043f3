package io.warren.amqp.method;

/** AMQP 0-9-1 class channel (20). */
public sealed interface ChannelMethod extends Method permits ChannelMethod.Open, ChannelMethod.OpenOk, ChannelMethod.Flow, ChannelMethod.FlowOk, ChannelMethod.Close, ChannelMethod.CloseOk {
    int CLASS_ID = 20;

    @Override default int classId() { return CLASS_ID; }

    record Open(String outOfBand) implements ChannelMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortStr(outOfBand);
        }
        static Open read(MethodReader r) {
            return new Open(r.shortStr());
        }
    }

    record OpenOk(byte[] channelId) implements ChannelMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.longStr(channelId);
        }
        static OpenOk read(MethodReader r) {
            return new OpenOk(r.longStr());
        }
    }

    record Flow(boolean active) implements ChannelMethod {
        public static final int ID = 20;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) {
            w.bit(active);
        }
        static Flow read(MethodReader r) {
            return new Flow(r.bit());
        }
    }

    record FlowOk(boolean active) implements ChannelMethod {
        public static final int ID = 21;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) {
            w.bit(active);
        }
        static FlowOk read(MethodReader r) {
            return new FlowOk(r.bit());
        }
    }

    record Close(int replyCode, String replyText, int failedClassId, int failedMethodId) implements ChannelMethod {
        public static final int ID = 40;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) {
            w.shortInt(replyCode);
            w.shortStr(replyText);
            w.shortInt(failedClassId);
            w.shortInt(failedMethodId);
        }
        static Close read(MethodReader r) {
            return new Close(r.shortInt(), r.shortStr(), r.shortInt(), r.shortInt());
        }
    }

    record CloseOk() implements ChannelMethod {
        public static final int ID = 41;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) { }
        static CloseOk read(MethodReader r) { return new CloseOk(); }
    }
}
