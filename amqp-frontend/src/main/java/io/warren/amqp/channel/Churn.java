package io.warren.amqp.channel;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many connections, channels and queues this node's AMQP clients opened, closed, declared and deleted since it
 * started (RabbitMQ's churn counters: {@code rabbitmq_connections_opened_total} and the like). Queues are counted by
 * the methods clients sent here: a declare that made a new queue is also "created"; auto-deletes are not "deleted".
 */
public final class Churn {
    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder connectionsClosed = new LongAdder();
    public final LongAdder channelsOpened = new LongAdder();
    public final LongAdder channelsClosed = new LongAdder();
    public final LongAdder queuesDeclared = new LongAdder();
    public final LongAdder queuesCreated = new LongAdder();
    public final LongAdder queuesDeleted = new LongAdder();
}
