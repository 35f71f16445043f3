package io.warren.amqp.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.warren.amqp.error.AmqpException;
import io.warren.metadata.port.BrokerPort;

/** What a channel needs from the connection that carries it. */
public interface ChannelHost {
    BrokerPort broker();

    String user();

    String vhost();

    /** Cluster-unique id of the connection (owner of its exclusive queues). */
    String connectionId();

    int frameMax();

    long bodySizeMax();

    boolean clientCapability(String name);

    /** How long a delivery may stay unacknowledged when its queue does not say (ms; 0 or less: no limit). */
    default long consumerTimeoutMs() { return 1_800_000; }

    EventLoop eventLoop();

    /** The node's message counters (metrics). */
    MessageCounters counters();

    ByteBufAllocator alloc();

    /** Writes and flushes (flushes are consolidated by the pipeline). */
    void write(ByteBuf frame);

    boolean isWritable();

    void connectionError(AmqpException e);

    /** A publish arrived: while an alarm is up, a blocked connection stops reading. */
    void publishing();

    /** The channel declared an exclusive queue: the connection removes them when it closes. */
    void ownsExclusiveQueues();

    ReplyToRegistry replyTo();

    void channelClosed(int channel);

    /** A channel holds too many frames behind a pending operation: stop (or resume) reading the socket. */
    void holdReading(boolean hold);
}
