package io.warren.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.amqp.method.Method;
import io.warren.amqp.method.MethodCodec;

/** Builds outbound frames. Content is split into body frames of at most frame_max - 8 octets. */
public final class FrameWriter {
    private FrameWriter() { }

    public static ByteBuf method(ByteBufAllocator alloc, int channel, Method m) {
        byte[] payload = MethodCodec.encode(m);
        ByteBuf b = alloc.buffer(payload.length + 8);
        frame(b, Frame.METHOD, channel, payload);
        return b;
    }

    private static void frame(ByteBuf b, int type, int channel, byte[] payload) {
        b.writeByte(type).writeShort(channel).writeInt(payload.length).writeBytes(payload).writeByte(Frame.END);
    }

    public static ByteBuf heartbeat(ByteBufAllocator alloc) {
        return alloc.buffer(8).writeByte(Frame.HEARTBEAT).writeShort(0).writeInt(0).writeByte(Frame.END);
    }

    /**
     * A method with content: method frame, header frame, body frames. Small bodies are copied into one
     * buffer; large ones are referenced, not copied.
     */
    public static ByteBuf content(ByteBufAllocator alloc, int channel, Method m, int classId, byte[] properties,
                                  byte[] body, int frameMax) {
        byte[] payload = MethodCodec.encode(m);
        int chunk = frameMax - 8;
        int headerLen = payload.length + 8 + properties.length + 12 + 8;
        if (body.length <= 64 * 1024) {
            int frames = body.length == 0 ? 0 : (body.length + chunk - 1) / chunk;
            ByteBuf b = alloc.buffer(headerLen + body.length + frames * 8);
            frame(b, Frame.METHOD, channel, payload);
            header(b, channel, classId, properties, body.length);
            for (int off = 0; off < body.length; off += chunk) {
                int n = Math.min(chunk, body.length - off);
                b.writeByte(Frame.BODY).writeShort(channel).writeInt(n).writeBytes(body, off, n).writeByte(Frame.END);
            }
            return b;
        }
        CompositeByteBuf c = alloc.compositeBuffer(Integer.MAX_VALUE);
        ByteBuf head = alloc.buffer(headerLen);
        frame(head, Frame.METHOD, channel, payload);
        header(head, channel, classId, properties, body.length);
        c.addComponent(true, head);
        for (int off = 0; off < body.length; off += chunk) {
            int n = Math.min(chunk, body.length - off);
            c.addComponent(true, alloc.buffer(7).writeByte(Frame.BODY).writeShort(channel).writeInt(n));
            c.addComponent(true, Unpooled.wrappedBuffer(body, off, n));
            c.addComponent(true, alloc.buffer(1).writeByte(Frame.END));
        }
        return c;
    }

    private static void header(ByteBuf b, int channel, int classId, byte[] properties, long bodySize) {
        b.writeByte(Frame.HEADER).writeShort(channel).writeInt(12 + properties.length)
                .writeShort(classId).writeShort(0).writeLong(bodySize).writeBytes(properties).writeByte(Frame.END);
    }
}
