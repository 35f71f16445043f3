package io.warren.amqp.server;

import java.util.concurrent.atomic.AtomicInteger;

/** The AMQP connections and channels open on a node, counted as they open and close. */
public final class ConnectionCounts {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger channels = new AtomicInteger();

    public int connections() { return connections.get(); }

    public int channels() { return channels.get(); }

    public void connectionOpened() { connections.incrementAndGet(); }

    public void connectionClosed() { connections.decrementAndGet(); }

    public void channelsOpened(int n) { channels.addAndGet(n); }
}
