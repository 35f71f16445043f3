package io.warren.amqp.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.warren.amqp.channel.AmqpChannel;
import io.warren.amqp.channel.ChannelHost;
import io.warren.amqp.channel.ReplyToRegistry;
import io.warren.amqp.codec.Frame;
import io.warren.amqp.codec.FrameDecoder;
import io.warren.amqp.codec.FrameWriter;
import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.ChannelMethod;
import io.warren.amqp.method.ConnectionMethod;
import io.warren.amqp.method.Method;
import io.warren.amqp.server.ConnectionRegistry;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.port.BrokerPort;
import io.warren.metadata.port.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One AMQP connection: the handshake (header, start, tune, open), channel 0, heartbeats, blocking while a
 * resource alarm is up, and the one place connection errors are turned into connection.close.
 */
public final class AmqpConnection extends ChannelInboundHandlerAdapter implements ChannelHost, ConnectionRegistry.Listed {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);
    private static final AtomicLong SEQ = new AtomicLong();
    private enum State { AWAIT_HEADER, HANDSHAKE, OPEN, CLOSING, CLOSED }

    private final BrokerPort broker;
    private final AmqpConfig config;
    private final ReplyToRegistry replyTo;
    private final FrameDecoder decoder;
    private final ConnectionRegistry counts;
    private boolean counted;
    private final String id;
    private final Map<Integer, AmqpChannel> channels = new HashMap<>();
    private ChannelHandlerContext ctx;
    private State state = State.AWAIT_HEADER;
    private int frameMax;
    private int channelMax;
    private final Handshake handshake;
    private String vhost;
    /** Counted against the vhost's and user's connection limits (released once, at shutdown). */
    private boolean admitted;
    private long connectedAtMs;
    private boolean ownsExclusive;
    private boolean blockedSent;
    private boolean readingBlocked;
    private final java.util.ArrayDeque<Frame> deferred = new java.util.ArrayDeque<>();
    private final Runnable alarmListener = () -> { if (ctx != null) ctx.executor().execute(this::alarmsChanged); };

    public AmqpConnection(BrokerPort broker, AmqpConfig config, ReplyToRegistry replyTo, FrameDecoder decoder,
                          ConnectionRegistry counts) {
        this.broker = broker;
        this.counts = counts;
        this.config = config;
        this.replyTo = replyTo;
        this.decoder = decoder;
        this.id = broker.nodeName() + "/" + SEQ.incrementAndGet();
        this.frameMax = config.frameMax();
        this.channelMax = config.channelMax();
        this.handshake = new Handshake(broker.metadata().state(), config, broker.nodeName(), id, new Steps());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) { this.ctx = ctx; }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame f = (Frame) msg;
        try {
            handle(f);
        } catch (AmqpException e) {
            connectionError(e);
        } catch (RuntimeException e) {
            LOG.warn("connection {}: internal error", id, e);
            connectionError(AmqpException.of(ReplyCode.INTERNAL_ERROR, "internal error: " + e));
        }
    }

    private void handle(Frame f) {
        if (state == State.CLOSED) { releaseFrame(f); return; }
        if (f instanceof Frame.Malformed m) {
            AmqpException e = AmqpException.of(m.code(), m.text()).during(m.classId(), m.methodId());
            sendCloseAndDrop(e);
            return;
        }
        if (readingBlocked) { // what was already read when the connection got blocked waits for the alarm to clear
            deferred.add(f);
            return;
        }
        if (f instanceof Frame.ProtocolHeader) { sendStart(); return; }
        if (f instanceof Frame.Heartbeat) return;
        if (state == State.CLOSING) {
            releaseFrame(f);
            if (f instanceof Frame.MethodFrame mf && mf.channel() == 0) {
                if (mf.method() instanceof ConnectionMethod.Close) send(new ConnectionMethod.CloseOk());
                if (mf.method() instanceof ConnectionMethod.Close || mf.method() instanceof ConnectionMethod.CloseOk) ctx.close();
            }
            return;
        }
        int channel = f instanceof Frame.MethodFrame mf ? mf.channel() : f instanceof Frame.HeaderFrame hf ? hf.channel()
                : ((Frame.BodyFrame) f).channel();
        if (channel == 0) {
            if (!(f instanceof Frame.MethodFrame mf)) {
                releaseFrame(f);
                throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "content frame on channel 0");
            }
            connectionMethod(mf.method());
            return;
        }
        if (state != State.OPEN) {
            releaseFrame(f);
            throw AmqpException.of(ReplyCode.COMMAND_INVALID, "channel " + channel + " used before connection.open");
        }
        AmqpChannel c = channels.get(channel);
        if (c == null) {
            if (f instanceof Frame.MethodFrame mf && mf.method() instanceof ChannelMethod.Open) {
                openChannel(channel);
                return;
            }
            releaseFrame(f);
            String what = f instanceof Frame.MethodFrame mf ? "'" + mf.method().name() + "'" : "a content frame";
            throw AmqpException.of(ReplyCode.CHANNEL_ERROR, "expected 'channel.open' on channel " + channel + ", got " + what);
        }
        c.handle(f);
    }

    private static void releaseFrame(Frame f) {
        if (f instanceof Frame.BodyFrame b) b.payload().release();
    }

    private void openChannel(int channel) {
        if (channel > channelMax) {
            throw AmqpException.of(ReplyCode.NOT_ALLOWED, "number of channels opened (" + channels.size()
                    + ") has reached the negotiated channel_max (" + channelMax + ")").during(20, 10);
        }
        long max = broker.metadata().state().access().userLimits(user()).getOrDefault("max-channels", -1L);
        String refused = counts.admitChannel(user(), max, broker.connectionsElsewhere());
        if (refused != null) throw AmqpException.of(ReplyCode.NOT_ALLOWED, refused).during(20, 10);
        channels.put(channel, new AmqpChannel(channel, this));
        counts.channelsOpened(1);
        write(FrameWriter.method(alloc(), channel, new ChannelMethod.OpenOk(new byte[0])));
    }

    // ---- handshake (the steps in Handshake) ----

    private void sendStart() {
        state = State.HANDSHAKE;
        handshake.start();
    }

    private void connectionMethod(Method m) {
        if (state == State.HANDSHAKE) {
            handshake.handle(m, fromLoopback());
        } else if (m instanceof ConnectionMethod.Close) {
            closeRequested();
        } else if (m instanceof ConnectionMethod.UpdateSecret) {
            send(new ConnectionMethod.UpdateSecretOk());
        } else if (!(m instanceof ConnectionMethod.CloseOk)) {
            throw AmqpException.of(ReplyCode.COMMAND_INVALID, "unexpected method '" + m.name() + "' on channel 0").during(m.classId(), m.methodId());
        }
    }

    private boolean fromLoopback() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }

    private final class Steps implements Handshake.Steps {
        @Override public void send(Method m) { AmqpConnection.this.send(m); }

        @Override public void loginRefused(String mechanism) {
            if (!clientCapability("authentication_failure_close")) { // such a client only understands the socket closing
                shutdown();
                ctx.close();
                return;
            }
            sendCloseAndDrop(AmqpException.of(ReplyCode.ACCESS_REFUSED, "Login was refused using authentication mechanism "
                    + mechanism + ". For details see the broker logfile.").during(10, 11));
        }

        @Override public void tuned(Tuning t) {
            frameMax = t.frameMax();
            channelMax = t.channelMax();
            decoder.frameMax(frameMax);
            int hb = t.heartbeatSeconds();
            if (ctx.pipeline().get(IdleStateHandler.class) != null) ctx.pipeline().remove(IdleStateHandler.class);
            if (hb > 0) {
                ctx.pipeline().addFirst("idle", new IdleStateHandler(hb * 2L * 1000, Math.max(500, hb * 1000L / 2), 0, TimeUnit.MILLISECONDS));
            }
        }

        @Override public String admit(String v, String u) {
            var vh = broker.metadata().state().vhost(v);
            long userMax = broker.metadata().state().access().userLimits(u).getOrDefault("max-connections", -1L);
            String refused = counts.admit(v, u, vh == null ? -1 : vh.limit("max-connections"), userMax, broker.connectionsElsewhere());
            admitted = refused == null;
            return refused;
        }

        @Override public void opened(String v) {
            vhost = v;
            state = State.OPEN;
            counts.listed(AmqpConnection.this);
            broker.alarms().addListener(alarmListener);
            alarmsChanged();
        }
    }

    // ---- alarms ----

    private void alarmsChanged() {
        if (state != State.OPEN) return;
        var active = broker.alarms().active();
        if (!active.isEmpty() && !blockedSent) {
            blockedSent = true;
            if (clientCapability("connection.blocked")) {
                String reason = active.contains("disk") ? "low on disk space" : "low on memory";
                send(new ConnectionMethod.Blocked(reason));
            }
        } else if (active.isEmpty() && blockedSent) {
            blockedSent = false;
            if (clientCapability("connection.blocked")) send(new ConnectionMethod.Unblocked());
            if (readingBlocked) {
                readingBlocked = false;
                while (!readingBlocked && !deferred.isEmpty()) channelRead(ctx, deferred.poll());
                ctx.channel().config().setAutoRead(holds <= 0);
            }
        }
    }

    @Override
    public void publishing() {
        if (!readingBlocked && !broker.alarms().active().isEmpty()) {
            readingBlocked = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    // ---- errors and closing ----

    @Override
    public void connectionError(AmqpException e) {
        if (state == State.CLOSING || state == State.CLOSED) return;
        LOG.info("connection {}: closing with {}", id, e.replyText());
        if (state == State.AWAIT_HEADER) { ctx.close(); return; }
        send(new ConnectionMethod.Close(e.code().code(), AmqpChannel.truncate(e.replyText()),
                e.classId(), e.methodId()));
        shutdown();
        state = State.CLOSING;
        ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
    }

    /**
     * Sends connection.close when the input cannot be trusted: nothing more is acted on (what arrives is discarded), and
     * the socket closes when the peer closes it or after {@value #CLOSE_LINGER_MS} ms. Closing at once, with the peer's
     * bytes still unread (the rest of an oversized frame), would reset the connection and could lose the close frame on
     * its way to the client.
     */
    private void sendCloseAndDrop(AmqpException e) {
        LOG.info("connection {}: closing with {}", id, e.replyText());
        send(new ConnectionMethod.Close(e.code().code(), AmqpChannel.truncate(e.replyText()), e.classId(), e.methodId()));
        shutdown();
        state = State.CLOSED;
        ctx.executor().schedule(() -> ctx.close(), CLOSE_LINGER_MS, TimeUnit.MILLISECONDS);
    }

    static final long CLOSE_LINGER_MS = 1000;

    /** How long a client's connection.close waits for its channels and exclusive queues before close-ok goes anyway. */
    static final long CLOSE_WAIT_MS = 10_000;

    /**
     * The client closes the connection. As RabbitMQ: its channels first carry out the methods they received before
     * the close (a publish pipelined behind a declare is not dropped), then the connection's exclusive queues are
     * removed, so its next connection can declare them again at once; then close-ok.
     */
    private void closeRequested() {
        state = State.CLOSING; // nothing after connection.close is acted on
        CompletableFuture<?>[] idle = channels.values().stream().map(AmqpChannel::idle).toArray(CompletableFuture<?>[]::new);
        CompletableFuture.allOf(idle).orTimeout(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS).handle((v, err) -> null)
                .thenComposeAsync(v -> shutdown(), ctx.executor())
                .orTimeout(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)
                .whenComplete((v, err) -> ctx.executor().execute(() ->
                        send(new ConnectionMethod.CloseOk()).addListener(ChannelFutureListener.CLOSE)));
    }

    /** The connection is done: its channels are released; completes once its exclusive queues are removed. */
    private CompletableFuture<Void> shutdown() {
        if (state == State.CLOSED) return CompletableFuture.completedFuture(null);
        state = State.CLOSED;
        for (AmqpChannel c : channels.values()) c.connectionClosed();
        counts.channelsOpened(-channels.size());
        if (admitted) {
            admitted = false;
            counts.release(vhost, user());
            counts.releaseChannels(user(), channels.size());
        }
        channels.clear();
        for (Frame f; (f = deferred.poll()) != null; ) releaseFrame(f);
        broker.alarms().removeListener(alarmListener);
        counts.unlisted(this);
        if (!ownsExclusive) return CompletableFuture.completedFuture(null);
        ownsExclusive = false;
        return broker.metadata().submit(new MetadataCommand.DropExclusiveQueues(id)).handle((r, e) -> {
            if (e != null) LOG.warn("connection {}: removing exclusive queues failed: {}", id, e.toString());
            return null;
        });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connectedAtMs = System.currentTimeMillis();
        counted = true;
        counts.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) { counted = false; counts.connectionClosed(); }
        shutdown();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (state.ordinal() < State.OPEN.ordinal() && e.state() == IdleState.READER_IDLE) {
                LOG.info("connection {}: handshake timeout", id);
                ctx.close();
            } else if (e.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(FrameWriter.heartbeat(alloc()));
            } else if (e.state() == IdleState.READER_IDLE && !readingBlocked) { // blocked: we are not reading
                LOG.info("connection {}: missed heartbeats from client, closing", id);
                shutdown();
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) for (AmqpChannel c : channels.values()) c.writable();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {}: {}", id, cause.toString());
        shutdown();
        ctx.close();
    }

    @Override public String id() { return id; }

    @Override public io.warren.amqp.channel.MessageCounters counters() { return counts.messages(); }

    /** An operator closes the connection (close_connection, DELETE /api/connections/NAME): 320 with the reason. */
    @Override
    public void forceClose(String reason) {
        ctx.executor().execute(() -> connectionError(AmqpException.of(ReplyCode.CONNECTION_FORCED, reason)));
    }

    /** For listings: this connection, its channels and consumers, read on its event loop. */
    @Override
    public CompletableFuture<Sessions.Snapshot> snapshot() {
        CompletableFuture<Sessions.Snapshot> f = new CompletableFuture<>();
        ctx.executor().execute(() -> {
            InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
            f.complete(state != State.OPEN ? Sessions.Snapshot.EMPTY : ConnectionListing.of(new Sessions.ConnectionInfo(id,
                    broker.nodeName(), "AMQP 0-9-1", user(), vhost, peer == null ? "" : peer.getAddress().getHostAddress(),
                    peer == null ? 0 : peer.getPort(), connectedAtMs, channels.size(), handshake.clientProperties()), channels.values()));
        });
        return f;
    }

    // ---- ChannelHost ----

    @Override public BrokerPort broker() { return broker; }

    @Override public String user() { return handshake.user(); }

    @Override public String vhost() { return vhost; }

    @Override public String connectionId() { return id; }

    @Override public int frameMax() { return frameMax; }

    @Override public long bodySizeMax() { return config.bodySizeMax(); }

    @Override public long consumerTimeoutMs() { return config.consumerTimeoutMs(); }

    @Override public boolean clientCapability(String name) { return handshake.clientCapability(name); }

    @Override public EventLoop eventLoop() { return ctx.channel().eventLoop(); }

    @Override public ByteBufAllocator alloc() { return ctx.alloc(); }

    @Override public void write(ByteBuf frame) { ctx.writeAndFlush(frame); }

    private ChannelFuture send(Method m) { return ctx.writeAndFlush(FrameWriter.method(alloc(), 0, m)); }

    @Override public boolean isWritable() { return ctx.channel().isWritable(); }

    @Override public void ownsExclusiveQueues() { ownsExclusive = true; }

    @Override public ReplyToRegistry replyTo() { return replyTo; }

    @Override public void channelClosed(int channel) {
        if (channels.remove(channel) != null) {
            counts.channelsOpened(-1);
            counts.releaseChannels(user(), 1);
        }
    }

    private int holds;

    @Override public void holdReading(boolean hold) {
        holds += hold ? 1 : -1;
        ctx.channel().config().setAutoRead(holds <= 0 && !readingBlocked);
    }
}
