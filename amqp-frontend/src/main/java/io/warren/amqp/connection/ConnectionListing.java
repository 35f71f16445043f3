package io.warren.amqp.connection;

import io.warren.amqp.channel.AmqpChannel;
import io.warren.metadata.port.Sessions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A connection as a listing shows it: itself, its open channels and their consumers (built on its event loop). */
final class ConnectionListing {
    private ConnectionListing() { }

    static Sessions.Snapshot of(Sessions.ConnectionInfo connection, Collection<AmqpChannel> channels) {
        List<Sessions.ChannelInfo> chs = new ArrayList<>();
        List<Sessions.ConsumerInfo> consumers = new ArrayList<>();
        for (AmqpChannel c : channels) {
            if (!c.isOpen()) continue;
            chs.add(c.info());
            consumers.addAll(c.consumerInfos());
        }
        return new Sessions.Snapshot(List.of(connection), chs, consumers);
    }
}
