package io.warren.amqp.channel;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a node's AMQP channels have done with messages since it started, as RabbitMQ's global counters count it
 * ({@code rabbitmq_global_messages_*_total}): monotonic, shared by every channel of the node, cheap to bump.
 */
public final class MessageCounters {
    public final LongAdder received = new LongAdder();
    public final LongAdder receivedConfirm = new LongAdder();
    public final LongAdder routed = new LongAdder();
    public final LongAdder unroutableDropped = new LongAdder();
    public final LongAdder unroutableReturned = new LongAdder();
    public final LongAdder confirmed = new LongAdder();
    public final LongAdder deliveredConsumeManualAck = new LongAdder();
    public final LongAdder deliveredConsumeAutoAck = new LongAdder();
    public final LongAdder deliveredGetManualAck = new LongAdder();
    public final LongAdder deliveredGetAutoAck = new LongAdder();
    public final LongAdder getEmpty = new LongAdder();
    public final LongAdder redelivered = new LongAdder();
    public final LongAdder acknowledged = new LongAdder();
    /** The same, per queue. */
    public final QueueCounters queues = new QueueCounters();

    /** Every delivery: consumed and got, with either ack mode. */
    public long delivered() {
        return deliveredConsumeManualAck.sum() + deliveredConsumeAutoAck.sum() + deliveredGetManualAck.sum() + deliveredGetAutoAck.sum();
    }
}
