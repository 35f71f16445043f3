package io.warren.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.warren.amqp.channel.ReplyToRegistry;
import io.warren.amqp.codec.FrameDecoder;
import io.warren.amqp.codec.FrameWriter;
import io.warren.amqp.connection.AmqpConfig;
import io.warren.amqp.connection.AmqpConnection;
import io.warren.amqp.method.ConnectionMethod;
import io.warren.amqp.method.Method;
import io.warren.amqp.method.MethodCodec;
import io.warren.metadata.codec.BinaryReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real front-end pipeline in an EmbeddedChannel, with a client side that writes frames and reads replies. */
final class Wire implements AutoCloseable {
    final InMemoryBroker broker = new InMemoryBroker();
    final EmbeddedChannel ch;
    private final ByteBuf received = Unpooled.buffer();

    /** A frame the server sent. */
    record Out(int type, int channel, byte[] payload) {
        Method method() { return MethodCodec.decode(new BinaryReader(payload)); }
    }

    Wire() {
        FrameDecoder decoder = new FrameDecoder(AmqpConfig.HANDSHAKE_FRAME_MAX); // as AmqpServer
        ch = new EmbeddedChannel(new IdleStateHandler(10_000, 0, 0, TimeUnit.MILLISECONDS), decoder,
                new AmqpConnection(broker, AmqpConfig.defaults("127.0.0.1", 0), new ReplyToRegistry(), decoder,
                new io.warren.amqp.server.ConnectionRegistry()));
    }

    void send(byte[] bytes) { ch.writeInbound(Unpooled.wrappedBuffer(bytes)); }

    void sendOneByteAtATime(byte[] bytes) {
        for (byte b : bytes) ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
    }

    static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        b.release();
        return a;
    }

    static byte[] method(int channel, Method m) { return bytes(FrameWriter.method(ByteBufAllocator.DEFAULT, channel, m)); }

    static byte[] frame(int type, int channel, byte[] payload, int end) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(type).writeShort(channel).writeInt(payload.length).writeBytes(payload).writeByte(end);
        return bytes(b);
    }

    /** Everything the server wrote so far, parsed into frames (the protocol header, if any, as type -1). */
    List<Out> drain() {
        ch.runPendingTasks();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            received.writeBytes(b);
            b.release();
        }
        List<Out> out = new ArrayList<>();
        while (received.readableBytes() >= 8) {
            if (received.getByte(received.readerIndex()) == 'A') {
                byte[] h = new byte[8];
                received.readBytes(h);
                out.add(new Out(-1, 0, h));
                continue;
            }
            int size = received.getInt(received.readerIndex() + 3);
            if (received.readableBytes() < size + 8) break;
            int type = received.readUnsignedByte();
            int channel = received.readUnsignedShort();
            received.readInt();
            byte[] p = new byte[size];
            received.readBytes(p);
            if ((received.readByte() & 0xff) != 0xCE) throw new AssertionError("server wrote a bad frame end");
            out.add(new Out(type, channel, p));
        }
        return out;
    }

    List<Method> methods() {
        List<Method> l = new ArrayList<>();
        for (Out o : drain()) if (o.type() == 1) l.add(o.method());
        return l;
    }

    /** Header, start-ok, tune-ok, open: leaves an open connection. */
    void handshake(int frameMax) {
        send(FrameDecoder.PROTOCOL_HEADER);
        send(method(0, new ConnectionMethod.StartOk(Map.of(), "PLAIN", "\0guest\0guest".getBytes(StandardCharsets.UTF_8), "en_US")));
        send(method(0, new ConnectionMethod.TuneOk(2047, frameMax, 0)));
        send(method(0, new ConnectionMethod.Open("/", "", false)));
        List<Method> m = methods();
        if (!(m.get(m.size() - 1) instanceof ConnectionMethod.OpenOk)) throw new AssertionError("handshake failed: " + m);
    }

    @Override public void close() { ch.finishAndReleaseAll(); received.release(); }
}
