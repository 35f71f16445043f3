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
    /** Connections, channels and queues opened, closed, declared, deleted. */
    public final Churn churn = new Churn();

    /** A message delivered from queue {@code queueId} ({@code consumed}: to a consumer, else a basic.get). */
    void delivered(long queueId, boolean consumed, boolean noAck, boolean again) {
        if (consumed) (noAck ? deliveredConsumeAutoAck : deliveredConsumeManualAck).increment();
        else (noAck ? deliveredGetAutoAck : deliveredGetManualAck).increment();
        queues.add(queueId, consumed ? (noAck ? QueueCounters.DELIVER_NO_ACK : QueueCounters.DELIVER)
                : (noAck ? QueueCounters.GET_NO_ACK : QueueCounters.GET), 1);
        if (again) { // redelivered
            redelivered.increment();
            queues.add(queueId, QueueCounters.REDELIVER, 1);
        }
    }

    /** A delivery from queue {@code queueId} acknowledged. */
    void acknowledged(long queueId) {
        acknowledged.increment();
        queues.add(queueId, QueueCounters.ACK, 1);
    }

    /** Every delivery: consumed and got, with either ack mode. */
    public long delivered() {
        return deliveredConsumeManualAck.sum() + deliveredConsumeAutoAck.sum() + deliveredGetManualAck.sum() + deliveredGetAutoAck.sum();
    }
}
