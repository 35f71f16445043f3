package io.warren.raft.link;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;
import io.warren.metadata.port.Sessions;
import io.warren.metadata.port.Sessions.ChannelInfo;
import io.warren.metadata.port.Sessions.ConnectionInfo;
import io.warren.metadata.port.Sessions.ConsumerInfo;

/** A node's client connections, channels and consumers on the link (the answer to {@link LinkCall.LocalSessions}). */
final class SessionsCodec {
    private SessionsCodec() { }

    static BinaryWriter write(BinaryWriter w, Sessions.Snapshot s) {
        LinkCodec.list(w, s.connections(), (x, c) -> {
            x.longStr(c.id()).shortStr(c.node()).shortStr(c.protocol()).shortStr(c.user()).shortStr(c.vhost()).shortStr(c.peerHost())
                    .i32(c.peerPort()).i64(c.connectedAtMs()).i32(c.channels());
            FieldTables.writeTable(x, c.clientProperties());
        });
        LinkCodec.list(w, s.channels(), (x, c) -> x.longStr(c.connectionId()).i32(c.number()).shortStr(c.user()).shortStr(c.vhost())
                .shortStr(c.mode()).i32(c.prefetch()).i32(c.consumers()).i32(c.unacked()).i32(c.unconfirmed()));
        LinkCodec.list(w, s.consumers(), (x, c) -> x.longStr(c.connectionId()).i32(c.channel()).shortStr(c.vhost()).shortStr(c.queue())
                .shortStr(c.tag()).bool(c.ackRequired()).bool(c.exclusive()).i32(c.prefetch()));
        return w;
    }

    static Sessions.Snapshot read(BinaryReader r) {
        var connections = LinkCodec.list(r, x -> new ConnectionInfo(x.longStr(), x.shortStr(), x.shortStr(), x.shortStr(), x.shortStr(),
                x.shortStr(), x.i32(), x.i64(), x.i32(), FieldTables.readTable(x)));
        var channels = LinkCodec.list(r, x -> new ChannelInfo(x.longStr(), x.i32(), x.shortStr(), x.shortStr(), x.shortStr(), x.i32(),
                x.i32(), x.i32(), x.i32()));
        var consumers = LinkCodec.list(r, x -> new ConsumerInfo(x.longStr(), x.i32(), x.shortStr(), x.shortStr(), x.shortStr(), x.bool(),
                x.bool(), x.i32()));
        return new Sessions.Snapshot(connections, channels, consumers);
    }
}
