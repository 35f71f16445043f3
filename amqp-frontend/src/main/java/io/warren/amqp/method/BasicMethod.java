package io.warren.amqp.method;

import java.util.Map;

/** AMQP 0-9-1 class basic (60). */
public sealed interface BasicMethod extends Method permits BasicMethod.Qos, BasicMethod.QosOk, BasicMethod.Consume, BasicMethod.ConsumeOk, BasicMethod.Cancel, BasicMethod.CancelOk, BasicMethod.Publish, BasicMethod.Return, BasicMethod.Deliver, BasicMethod.Get, BasicMethod.GetOk, BasicMethod.GetEmpty, BasicMethod.Ack, BasicMethod.Reject, BasicMethod.RecoverAsync, BasicMethod.Recover, BasicMethod.RecoverOk, BasicMethod.Nack {
    int CLASS_ID = 60;

    @Override default int classId() { return CLASS_ID; }

    record Qos(int prefetchSize, int prefetchCount, boolean global) implements BasicMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.longInt(prefetchSize);
            w.shortInt(prefetchCount);
            w.bit(global);
        }
        static Qos read(MethodReader r) {
            return new Qos(r.longInt(), r.shortInt(), r.bit());
        }
    }

    record QosOk() implements BasicMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static QosOk read(MethodReader r) { return new QosOk(); }
    }

    record Consume(int ticket, String queue, String consumerTag, boolean noLocal, boolean noAck, boolean exclusive, boolean nowait, Map<String, Object> arguments) implements BasicMethod {
        public static final int ID = 20;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(queue);
            w.shortStr(consumerTag);
            w.bit(noLocal);
            w.bit(noAck);
            w.bit(exclusive);
            w.bit(nowait);
            w.table(arguments);
        }
        static Consume read(MethodReader r) {
            return new Consume(r.shortInt(), r.shortStr(), r.shortStr(), r.bit(), r.bit(), r.bit(), r.bit(), r.table());
        }
    }

    record ConsumeOk(String consumerTag) implements BasicMethod {
        public static final int ID = 21;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortStr(consumerTag);
        }
        static ConsumeOk read(MethodReader r) {
            return new ConsumeOk(r.shortStr());
        }
    }

    record Cancel(String consumerTag, boolean nowait) implements BasicMethod {
        public static final int ID = 30;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) {
            w.shortStr(consumerTag);
            w.bit(nowait);
        }
        static Cancel read(MethodReader r) {
            return new Cancel(r.shortStr(), r.bit());
        }
    }

    record CancelOk(String consumerTag) implements BasicMethod {
        public static final int ID = 31;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortStr(consumerTag);
        }
        static CancelOk read(MethodReader r) {
            return new CancelOk(r.shortStr());
        }
    }

    record Publish(int ticket, String exchange, String routingKey, boolean mandatory, boolean immediate) implements BasicMethod {
        public static final int ID = 40;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(exchange);
            w.shortStr(routingKey);
            w.bit(mandatory);
            w.bit(immediate);
        }
        static Publish read(MethodReader r) {
            return new Publish(r.shortInt(), r.shortStr(), r.shortStr(), r.bit(), r.bit());
        }
    }

    record Return(int replyCode, String replyText, String exchange, String routingKey) implements BasicMethod {
        public static final int ID = 50;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortInt(replyCode);
            w.shortStr(replyText);
            w.shortStr(exchange);
            w.shortStr(routingKey);
        }
        static Return read(MethodReader r) {
            return new Return(r.shortInt(), r.shortStr(), r.shortStr(), r.shortStr());
        }
    }

    record Deliver(String consumerTag, long deliveryTag, boolean redelivered, String exchange, String routingKey) implements BasicMethod {
        public static final int ID = 60;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortStr(consumerTag);
            w.longLong(deliveryTag);
            w.bit(redelivered);
            w.shortStr(exchange);
            w.shortStr(routingKey);
        }
        static Deliver read(MethodReader r) {
            return new Deliver(r.shortStr(), r.longLong(), r.bit(), r.shortStr(), r.shortStr());
        }
    }

    record Get(int ticket, String queue, boolean noAck) implements BasicMethod {
        public static final int ID = 70;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(ticket);
            w.shortStr(queue);
            w.bit(noAck);
        }
        static Get read(MethodReader r) {
            return new Get(r.shortInt(), r.shortStr(), r.bit());
        }
    }

    record GetOk(long deliveryTag, boolean redelivered, String exchange, String routingKey, int messageCount) implements BasicMethod {
        public static final int ID = 71;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.longLong(deliveryTag);
            w.bit(redelivered);
            w.shortStr(exchange);
            w.shortStr(routingKey);
            w.longInt(messageCount);
        }
        static GetOk read(MethodReader r) {
            return new GetOk(r.longLong(), r.bit(), r.shortStr(), r.shortStr(), r.longInt());
        }
    }

    record GetEmpty(String clusterId) implements BasicMethod {
        public static final int ID = 72;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortStr(clusterId);
        }
        static GetEmpty read(MethodReader r) {
            return new GetEmpty(r.shortStr());
        }
    }

    record Ack(long deliveryTag, boolean multiple) implements BasicMethod {
        public static final int ID = 80;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) {
            w.longLong(deliveryTag);
            w.bit(multiple);
        }
        static Ack read(MethodReader r) {
            return new Ack(r.longLong(), r.bit());
        }
    }

    record Reject(long deliveryTag, boolean requeue) implements BasicMethod {
        public static final int ID = 90;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.longLong(deliveryTag);
            w.bit(requeue);
        }
        static Reject read(MethodReader r) {
            return new Reject(r.longLong(), r.bit());
        }
    }

    record RecoverAsync(boolean requeue) implements BasicMethod {
        public static final int ID = 100;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.bit(requeue);
        }
        static RecoverAsync read(MethodReader r) {
            return new RecoverAsync(r.bit());
        }
    }

    record Recover(boolean requeue) implements BasicMethod {
        public static final int ID = 110;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.bit(requeue);
        }
        static Recover read(MethodReader r) {
            return new Recover(r.bit());
        }
    }

    record RecoverOk() implements BasicMethod {
        public static final int ID = 111;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static RecoverOk read(MethodReader r) { return new RecoverOk(); }
    }

    record Nack(long deliveryTag, boolean multiple, boolean requeue) implements BasicMethod {
        public static final int ID = 120;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) {
            w.longLong(deliveryTag);
            w.bit(multiple);
            w.bit(requeue);
        }
        static Nack read(MethodReader r) {
            return new Nack(r.longLong(), r.bit(), r.bit());
        }
    }
}
