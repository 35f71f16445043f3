package io.warren.it;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A hand-written AMQP peer on a raw socket, for what the Java client will not send. */
final class RawClient {
    private RawClient() { }

    static byte[] frame(int type, int channel, byte[] payload) throws Exception { return frame(type, channel, payload, 0xCE); }

    /** A frame with the given end octet (0xCE is the valid one). */
    static byte[] frame(int type, int channel, byte[] payload, int end) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(type);
        out.writeShort(channel);
        out.writeInt(payload.length);
        out.write(payload);
        out.writeByte(end);
        return b.toByteArray();
    }

    /** Raw handshake up to connection.open-ok with the given heartbeat; returns the socket. */
    static Socket handshake(int port, int heartbeat) throws Exception { return handshake(port, heartbeat, java.util.Map.of()); }

    /** The same, announcing these client capabilities (consumer_cancel_notify, ...). */
    static Socket handshake(int port, int heartbeat, java.util.Map<String, Object> capabilities) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        s.setSoTimeout(15_000);
        var out = s.getOutputStream();
        out.write("AMQP\0\0\11\1".getBytes(StandardCharsets.ISO_8859_1));
        readFrame(s.getInputStream()); // start
        ByteArrayOutputStream so = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(so);
        d.writeShort(10); d.writeShort(11);
        d.write(io.warren.metadata.codec.FieldTables.encode(capabilities.isEmpty() ? java.util.Map.of()
                : java.util.Map.of("capabilities", capabilities))); // client properties
        d.writeByte(5); d.writeBytes("PLAIN");
        byte[] resp = "\0guest\0guest".getBytes(StandardCharsets.UTF_8);
        d.writeInt(resp.length); d.write(resp);
        d.writeByte(5); d.writeBytes("en_US");
        out.write(frame(1, 0, so.toByteArray()));
        readFrame(s.getInputStream()); // tune
        ByteArrayOutputStream to = new ByteArrayOutputStream();
        d = new DataOutputStream(to);
        d.writeShort(10); d.writeShort(31); d.writeShort(0); d.writeInt(131072); d.writeShort(heartbeat);
        out.write(frame(1, 0, to.toByteArray()));
        ByteArrayOutputStream oo = new ByteArrayOutputStream();
        d = new DataOutputStream(oo);
        d.writeShort(10); d.writeShort(40); d.writeByte(1); d.writeBytes("/"); d.writeByte(0); d.writeByte(0);
        out.write(frame(1, 0, oo.toByteArray()));
        byte[] openOk = readFrame(s.getInputStream());
        assertEquals(41, ((openOk[2] & 0xff) << 8) | (openOk[3] & 0xff), "connection.open-ok");
        return s;
    }

    /** Reads one frame's payload (null at end of stream). */
    static byte[] readFrame(InputStream in) throws Exception {
        byte[] h = in.readNBytes(7);
        if (h.length < 7) return null;
        int size = ((h[3] & 0xff) << 24) | ((h[4] & 0xff) << 16) | ((h[5] & 0xff) << 8) | (h[6] & 0xff);
        byte[] p = in.readNBytes(size);
        in.read();
        return p;
    }

    /** Sends a method (encoded by Warren's own codec: these tests are about order, not encoding). */
    static void send(Socket s, int channel, io.warren.amqp.method.Method m) throws Exception {
        io.netty.buffer.ByteBuf b = io.warren.amqp.codec.FrameWriter.method(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, channel, m);
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        b.release();
        s.getOutputStream().write(a);
    }

    /** Reads the next method frame (content frames are skipped). */
    static io.warren.amqp.method.Method readMethod(Socket s) throws Exception {
        while (true) {
            InputStream in = s.getInputStream();
            byte[] h = in.readNBytes(7);
            if (h.length < 7) throw new java.io.EOFException("socket closed");
            byte[] p = in.readNBytes(((h[3] & 0xff) << 24) | ((h[4] & 0xff) << 16) | ((h[5] & 0xff) << 8) | (h[6] & 0xff));
            in.read();
            if (h[0] == 1) return io.warren.amqp.method.MethodCodec.decode(new io.warren.metadata.codec.BinaryReader(p));
        }
    }
}
