package io.warren.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.Method;

/** What the frame decoder hands to the connection. */
public sealed interface Frame {
    int METHOD = 1;
    int HEADER = 2;
    int BODY = 3;
    int HEARTBEAT = 8;
    int END = 0xCE;

    /** The peer sent the 0-9-1 protocol header. */
    record ProtocolHeader() implements Frame { }

    record MethodFrame(int channel, Method method) implements Frame { }

    /** A content header: {@code properties} holds the property flags and list exactly as received. */
    record HeaderFrame(int channel, int classId, long bodySize, byte[] properties) implements Frame { }

    /** A content body frame; the receiver owns (and releases) {@code payload}. */
    record BodyFrame(int channel, ByteBuf payload) implements Frame { }

    record Heartbeat() implements Frame { }

    /**
     * The input is broken beyond recovery (connection scope); the decoder has stopped reading.
     * {@code channel} and the method ids say where, when known.
     */
    record Malformed(ReplyCode code, String text, int classId, int methodId) implements Frame { }
}
