package io.warren.amqp;

import io.warren.amqp.codec.FrameDecoder;
import io.warren.amqp.method.BasicMethod;
import io.warren.amqp.method.ChannelMethod;
import io.warren.amqp.method.ConnectionMethod;
import io.warren.amqp.method.Method;
import io.warren.amqp.method.QueueMethod;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Frame decoding and the connection's answers to malformed input, through the real pipeline. */
class FrameCodecTest {

    private static ConnectionMethod.Close connectionClose(Wire w) {
        List<Method> ms = w.methods();
        assertFalse(ms.isEmpty(), "expected connection.close");
        Method last = ms.get(ms.size() - 1);
        assertInstanceOf(ConnectionMethod.Close.class, last, "got " + ms);
        return (ConnectionMethod.Close) last;
    }

    @Test
    void handshakeFedOneByteAtATime() {
        try (Wire w = new Wire()) {
            w.sendOneByteAtATime(FrameDecoder.PROTOCOL_HEADER);
            List<Method> ms = w.methods();
            ConnectionMethod.Start start = (ConnectionMethod.Start) ms.get(0);
            assertEquals("3.13.7", start.serverProperties().get("version"));
            @SuppressWarnings("unchecked")
            Map<String, Object> caps = (Map<String, Object>) start.serverProperties().get("capabilities");
            assertEquals(Boolean.TRUE, caps.get("publisher_confirms"));
            assertEquals(Boolean.TRUE, caps.get("direct_reply_to"));
            w.sendOneByteAtATime(Wire.method(0, new ConnectionMethod.StartOk(Map.of("product", "test"), "PLAIN",
                    "\0guest\0guest".getBytes(StandardCharsets.UTF_8), "en_US")));
            assertInstanceOf(ConnectionMethod.Tune.class, w.methods().get(0));
            w.sendOneByteAtATime(Wire.method(0, new ConnectionMethod.TuneOk(100, 8192, 0)));
            w.sendOneByteAtATime(Wire.method(0, new ConnectionMethod.Open("/", "", false)));
            assertInstanceOf(ConnectionMethod.OpenOk.class, w.methods().get(0));
            w.sendOneByteAtATime(Wire.method(1, new ChannelMethod.Open("")));
            w.sendOneByteAtATime(Wire.method(1, new QueueMethod.Declare(0, "q1", false, false, false, false, false,
                    Map.of("x-nested", Map.of("a", List.of(1, "two", 3L))))));
            List<Method> replies = w.methods();
            assertInstanceOf(ChannelMethod.OpenOk.class, replies.get(0));
            assertEquals("q1", ((QueueMethod.DeclareOk) replies.get(1)).queue());
        }
    }

    @Test
    void wrongProtocolHeaderGetsOursBackAndClose() {
        try (Wire w = new Wire()) {
            w.send("AMQP\0\0\10\0".getBytes(StandardCharsets.ISO_8859_1));
            List<Wire.Out> out = w.drain();
            assertEquals(1, out.size());
            assertArrayEquals(FrameDecoder.PROTOCOL_HEADER, out.get(0).payload());
            assertFalse(w.ch.isActive(), "socket closed after the header");
        }
    }

    @Test
    void httpRequestInsteadOfAmqpIsRefused() {
        try (Wire w = new Wire()) {
            w.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertArrayEquals(FrameDecoder.PROTOCOL_HEADER, w.drain().get(0).payload());
            assertFalse(w.ch.isActive());
        }
    }

    @Test
    void badFrameEndIsFrameError() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            byte[] f = Wire.method(1, new ChannelMethod.Open(""));
            f[f.length - 1] = 0x42;
            w.send(f);
            assertEquals(501, connectionClose(w).replyCode());
            assertTrue(w.ch.isActive(), "the peer has a moment to read the close before the socket goes");
            w.ch.advanceTimeBy(2, java.util.concurrent.TimeUnit.SECONDS);
            w.ch.runScheduledPendingTasks();
            assertFalse(w.ch.isActive());
        }
    }

    @Test
    void unknownFrameTypeIsFrameError() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.frame(7, 1, new byte[4], 0xCE));
            ConnectionMethod.Close c = connectionClose(w);
            assertEquals(501, c.replyCode());
            assertTrue(c.replyText().contains("unknown frame type"), c.replyText());
        }
    }

    @Test
    void frameLargerThanFrameMaxIsFrameErrorWithoutReadingIt() {
        try (Wire w = new Wire()) {
            w.handshake(4096);
            // only the header of a 1 GB frame: the decoder must refuse on the declared size alone
            w.send(new byte[]{3, 0, 1, 0x40, 0, 0, 0});
            ConnectionMethod.Close c = connectionClose(w);
            assertEquals(501, c.replyCode());
            assertTrue(c.replyText().contains("frame_max"), c.replyText());
        }
    }

    @Test
    void truncatedFrameWaitsAndNeverAnswersWithGarbage() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            byte[] f = Wire.method(1, new ChannelMethod.Open(""));
            w.send(java.util.Arrays.copyOf(f, f.length - 3));
            assertTrue(w.drain().isEmpty(), "nothing answered for half a frame");
            assertTrue(w.ch.isActive());
            w.send(java.util.Arrays.copyOfRange(f, f.length - 3, f.length));
            assertInstanceOf(ChannelMethod.OpenOk.class, w.methods().get(0));
        }
    }

    @Test
    void truncatedMethodArgumentsAreSyntaxError() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            // queue.declare with only the ticket: the rest of its arguments are missing
            w.send(Wire.frame(1, 1, new byte[]{0, 50, 0, 10, 0, 0}, 0xCE));
            assertEquals(502, connectionClose(w).replyCode());
        }
    }

    @Test
    void unknownClassOrMethodIsCommandInvalid() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.frame(1, 1, new byte[]{0, 99, 0, 1}, 0xCE));
            ConnectionMethod.Close c = connectionClose(w);
            assertEquals(503, c.replyCode());
            assertEquals(99, c.failedClassId());
        }
    }

    @Test
    void contentWithoutMethodIsUnexpectedFrame() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.method(1, new ChannelMethod.Open("")));
            w.drain();
            byte[] header = {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0};
            w.send(Wire.frame(2, 1, header, 0xCE));
            assertEquals(505, connectionClose(w).replyCode());
        }
    }

    @Test
    void bodyWithoutHeaderIsUnexpectedFrame() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.method(1, new ChannelMethod.Open("")));
            w.drain();
            w.send(Wire.frame(3, 1, new byte[]{1, 2, 3}, 0xCE));
            assertEquals(505, connectionClose(w).replyCode());
        }
    }

    @Test
    void methodOnChannelNotOpenIsChannelError() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.method(5, new BasicMethod.Qos(0, 10, false)));
            assertEquals(504, connectionClose(w).replyCode());
        }
    }

    @Test
    void corruptFieldTableIsSyntaxError() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.method(1, new ChannelMethod.Open("")));
            w.drain();
            byte[] ok = Wire.method(1, new QueueMethod.Declare(0, "q", false, false, false, false, false, Map.of("k", "v")));
            // the table's length field sits 4 bytes before its content: claim far more than the frame holds
            byte[] bad = ok.clone();
            int tableLenAt = bad.length - 1 - (1 + 1 + 1 + 4 + 1) - 4; // entry: len, "k", type, 4-byte len, "v"
            bad[tableLenAt] = 0x7f;
            w.send(bad);
            assertEquals(502, connectionClose(w).replyCode());
        }
    }

    @Test
    void unknownFieldTypeInTableIsSyntaxError() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.method(1, new ChannelMethod.Open("")));
            w.drain();
            byte[] ok = Wire.method(1, new QueueMethod.Declare(0, "q", false, false, false, false, false, Map.of("k", "v")));
            byte[] bad = ok.clone();
            // the value type octet 'S' of entry "k": [len=1]['k']['S'][4-byte len]['v'] before the frame end
            int typeAt = bad.length - 1 - (1 + 4) - 1;
            assertEquals('S', bad[typeAt]);
            bad[typeAt] = '!';
            w.send(bad);
            assertEquals(502, connectionClose(w).replyCode());
        }
    }

    /** As RabbitMQ: a heartbeat on a channel is an unexpected frame (505); a heartbeat with a payload is a frame error. */
    @Test
    void heartbeatOnAChannelIsUnexpectedFrame() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.frame(8, 3, new byte[0], 0xCE));
            assertEquals(505, connectionClose(w).replyCode());
        }
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.frame(8, 0, new byte[]{1}, 0xCE));
            assertEquals(501, connectionClose(w).replyCode());
        }
    }

    @Test
    void badCredentialsAreAccessRefused() {
        try (Wire w = new Wire()) {
            w.send(FrameDecoder.PROTOCOL_HEADER);
            w.send(Wire.method(0, new ConnectionMethod.StartOk(Map.of("capabilities", Map.of("authentication_failure_close", true)),
                    "PLAIN", "\0guest\0wrong".getBytes(StandardCharsets.UTF_8), "en_US")));
            ConnectionMethod.Close c = connectionClose(w);
            assertEquals(403, c.replyCode());
            assertTrue(c.replyText().startsWith("ACCESS_REFUSED - Login was refused"), c.replyText());
        }
    }

    /** A client that does not announce authentication_failure_close only understands the socket closing (as RabbitMQ). */
    @Test
    void badCredentialsWithoutTheCapabilityCloseTheSocket() {
        try (Wire w = new Wire()) {
            w.send(FrameDecoder.PROTOCOL_HEADER);
            w.send(Wire.method(0, new ConnectionMethod.StartOk(Map.of(), "PLAIN", "\0guest\0wrong".getBytes(StandardCharsets.UTF_8), "en_US")));
            List<Method> ms = w.methods();
            assertTrue(ms.stream().noneMatch(m -> m instanceof ConnectionMethod.Close), "no connection.close: " + ms);
            assertFalse(w.ch.isOpen(), "the socket is closed");
        }
    }

    /** Until tune-ok, frames may not exceed AMQP's minimum frame size: a start-ok of 5,000 bytes is a frame error. */
    @Test
    void handshakeFramesAreHeldToTheMinimumSize() {
        try (Wire w = new Wire()) {
            w.send(FrameDecoder.PROTOCOL_HEADER);
            w.send(Wire.method(0, new ConnectionMethod.StartOk(Map.of("too_long", "x".repeat(5000)), "PLAIN",
                    "\0guest\0guest".getBytes(StandardCharsets.UTF_8), "en_US")));
            assertEquals(501, connectionClose(w).replyCode());
        }
    }

    @Test
    void frameMaxBelowMinimumIsNotAllowed() {
        try (Wire w = new Wire()) {
            w.send(FrameDecoder.PROTOCOL_HEADER);
            w.send(Wire.method(0, new ConnectionMethod.StartOk(Map.of(), "PLAIN", "\0guest\0guest".getBytes(StandardCharsets.UTF_8), "en_US")));
            w.send(Wire.method(0, new ConnectionMethod.TuneOk(0, 1024, 0)));
            assertEquals(530, connectionClose(w).replyCode());
        }
    }

    @Test
    void channelMaxIsEnforced() {
        try (Wire w = new Wire()) {
            w.send(FrameDecoder.PROTOCOL_HEADER);
            w.send(Wire.method(0, new ConnectionMethod.StartOk(Map.of(), "PLAIN", "\0guest\0guest".getBytes(StandardCharsets.UTF_8), "en_US")));
            w.send(Wire.method(0, new ConnectionMethod.TuneOk(10, 131072, 0)));
            w.send(Wire.method(0, new ConnectionMethod.Open("/", "", false)));
            w.drain();
            w.send(Wire.method(10, new ChannelMethod.Open("")));
            assertInstanceOf(ChannelMethod.OpenOk.class, w.methods().get(0));
            w.send(Wire.method(11, new ChannelMethod.Open("")));
            assertEquals(530, connectionClose(w).replyCode());
        }
    }

    @Test
    void framesPilingUpBehindASlowOperationStopReadingTheSocket() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.method(1, new ChannelMethod.Open("")));
            w.drain();
            w.broker.gate = new java.util.concurrent.CompletableFuture<>();
            w.send(Wire.method(1, new QueueMethod.Declare(0, "slow", false, false, false, false, false, Map.of())));
            byte[] qos = Wire.method(1, new BasicMethod.Qos(0, 1, false));
            for (int i = 0; i < 10_000; i++) w.send(qos);
            assertFalse(w.ch.config().isAutoRead(), "10,000 frames held: the socket is not read");
            w.broker.gate.complete(null);
            List<Method> replies = w.methods();
            assertInstanceOf(QueueMethod.DeclareOk.class, replies.get(0));
            assertEquals(10_001, replies.size(), "every held frame was answered, in order");
            assertTrue(w.ch.config().isAutoRead(), "reading resumes once they are processed");
        }
    }

    /** connection.close lets the channels carry out what they received before it (as RabbitMQ), then close-ok. */
    @Test
    void connectionCloseWaitsForPipelinedMethods() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(Wire.method(1, new ChannelMethod.Open("")));
            w.drain();
            w.broker.gate = new java.util.concurrent.CompletableFuture<>(); // a slow metadata group
            w.send(Wire.method(1, new QueueMethod.Declare(0, "pipelined", false, false, false, false, false, Map.of())));
            w.send(Wire.method(1, new BasicMethod.Publish(0, "", "pipelined", false, false)));
            w.send(Wire.frame(2, 1, new byte[]{0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, 0xCE));
            w.send(Wire.frame(3, 1, new byte[]{42}, 0xCE));
            w.send(Wire.method(0, new ConnectionMethod.Close(200, "bye", 0, 0)));
            assertTrue(w.methods().isEmpty(), "nothing answered while the declare waits");
            w.broker.gate.complete(null);
            List<Method> replies = w.methods();
            assertInstanceOf(QueueMethod.DeclareOk.class, replies.get(0));
            assertInstanceOf(ConnectionMethod.CloseOk.class, replies.get(replies.size() - 1));
            var q = w.broker.state().vhost("/").queue("pipelined");
            assertEquals(1, w.broker.stats(q).join().messages(), "the publish behind the declare was not dropped");
        }
    }

    @Test
    void contentIsAssembledAcrossBodyFrames() {
        try (Wire w = new Wire()) {
            w.handshake(4096);
            w.send(Wire.method(1, new ChannelMethod.Open("")));
            w.send(Wire.method(1, new QueueMethod.Declare(0, "big", false, false, false, false, false, Map.of())));
            w.drain();
            byte[] body = new byte[10_000];
            for (int i = 0; i < body.length; i++) body[i] = (byte) i;
            w.send(Wire.method(1, new BasicMethod.Publish(0, "", "big", false, false)));
            java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(14).putShort((short) 60).putShort((short) 0).putLong(body.length).putShort((short) 0);
            w.send(Wire.frame(2, 1, h.array(), 0xCE));
            for (int off = 0; off < body.length; off += 4000) {
                w.sendOneByteAtATime(Wire.frame(3, 1, java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + 4000)), 0xCE));
            }
            w.send(Wire.method(1, new BasicMethod.Get(0, "big", true)));
            List<Wire.Out> out = w.drain();
            assertInstanceOf(BasicMethod.GetOk.class, out.get(0).method());
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            for (Wire.Out o : out) if (o.type() == 3) { got.writeBytes(o.payload()); assertTrue(o.payload().length <= 4096 - 8); }
            assertArrayEquals(body, got.toByteArray());
        }
    }
}
