package io.warren.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.MethodCodec;
import io.warren.metadata.codec.BinaryReader;

import java.util.List;

/**
 * Splits the byte stream into frames. First the protocol header: anything but AMQP 0-9-1 is answered with
 * the header we speak and the socket is closed. Then frames, each checked for its size against frame_max,
 * its type and its end octet. A broken frame yields one {@link Frame.Malformed} and the decoder goes
 * terminal: it reads nothing more, and never allocates more than a frame it has actually received.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private enum State { PROTOCOL_HEADER, FRAMES, FAILED }

    private State state = State.PROTOCOL_HEADER;
    private volatile int frameMax;

    public FrameDecoder(int initialFrameMax) { this.frameMax = initialFrameMax; }

    /** The negotiated frame_max (0 = no limit, which we never offer, treated as the initial limit). */
    public void frameMax(int frameMax) { if (frameMax > 0) this.frameMax = frameMax; }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case PROTOCOL_HEADER -> decodeHeader(ctx, in, out);
            case FRAMES -> {
                while (state == State.FRAMES) {
                    Frame f = decodeFrame(in);
                    if (f == null) return;
                    // a broken frame: what follows it is not read (Netty also insists that a decoded frame consumed input)
                    if (state == State.FAILED) in.skipBytes(in.readableBytes());
                    out.add(f);
                }
            }
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void decodeHeader(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), 8);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PROTOCOL_HEADER[i]) {
                rejectHeader(ctx, in);
                return;
            }
        }
        if (n < 8) return;
        in.skipBytes(8);
        state = State.FRAMES;
        out.add(new Frame.ProtocolHeader());
    }

    private void rejectHeader(ChannelHandlerContext ctx, ByteBuf in) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PROTOCOL_HEADER)).addListener(ChannelFutureListener.CLOSE);
    }

    private Frame decodeFrame(ByteBuf in) {
        if (in.readableBytes() < 7) return null;
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        int channel = in.getUnsignedShort(start + 1);
        long size = in.getUnsignedInt(start + 3);
        if (type != Frame.METHOD && type != Frame.HEADER && type != Frame.BODY && type != Frame.HEARTBEAT) {
            return fail(ReplyCode.FRAME_ERROR, "type " + type + ", unknown frame type");
        }
        if (size + 8 > frameMax) {
            return fail(ReplyCode.FRAME_ERROR, "type " + type + ", frame size " + (size + 8) + " exceeds frame_max " + frameMax);
        }
        if (in.readableBytes() < 7 + size + 1) return null;
        int len = (int) size;
        int end = in.getUnsignedByte(start + 7 + len);
        if (end != Frame.END) {
            return fail(ReplyCode.FRAME_ERROR, "type " + type + ", invalid frame end marker " + end);
        }
        in.skipBytes(7);
        ByteBuf payload = in.readSlice(len);
        in.skipBytes(1);
        return switch (type) {
            case Frame.METHOD -> method(channel, payload);
            case Frame.HEADER -> header(channel, payload);
            case Frame.BODY -> new Frame.BodyFrame(channel, payload.retain());
            default -> channel != 0 ? fail(ReplyCode.UNEXPECTED_FRAME, "unexpected heartbeat frame on channel " + channel)
                    : len == 0 ? new Frame.Heartbeat()
                    : fail(ReplyCode.FRAME_ERROR, "heartbeat frame with " + len + " octets");
        };
    }

    private Frame method(int channel, ByteBuf payload) {
        BinaryReader r = new BinaryReader(payload.nioBuffer());
        try {
            return new Frame.MethodFrame(channel, MethodCodec.decode(r));
        } catch (MethodCodec.UnknownMethodException e) {
            return fail(ReplyCode.COMMAND_INVALID, "unknown method " + e.classId + "." + e.methodId + " on channel " + channel,
                    e.classId, e.methodId);
        } catch (BinaryReader.MalformedException e) {
            int classId = payload.readableBytes() >= 4 ? payload.getUnsignedShort(payload.readerIndex()) : 0;
            int methodId = payload.readableBytes() >= 4 ? payload.getUnsignedShort(payload.readerIndex() + 2) : 0;
            return fail(ReplyCode.SYNTAX_ERROR, "cannot decode arguments of " + MethodCodec.name((classId << 16) | methodId)
                    + ": " + e.getMessage(), classId, methodId);
        }
    }

    private Frame header(int channel, ByteBuf payload) {
        if (payload.readableBytes() < 14) {
            return fail(ReplyCode.FRAME_ERROR, "content header of " + payload.readableBytes() + " octets is too short");
        }
        int classId = payload.readUnsignedShort();
        payload.skipBytes(2); // weight
        long bodySize = payload.readLong();
        byte[] props = new byte[payload.readableBytes()];
        payload.readBytes(props);
        if (bodySize < 0) return fail(ReplyCode.FRAME_ERROR, "negative body size " + bodySize);
        return new Frame.HeaderFrame(channel, classId, bodySize, props);
    }

    private Frame fail(ReplyCode code, String text) { return fail(code, text, 0, 0); }

    private Frame fail(ReplyCode code, String text, int classId, int methodId) {
        state = State.FAILED;
        return new Frame.Malformed(code, text, classId, methodId);
    }
}
