package io.warren.amqp.channel;

import io.netty.buffer.CompositeByteBuf;
import io.warren.amqp.codec.Frame;
import io.warren.amqp.codec.FrameWriter;
import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.*;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Sessions;
import io.warren.metadata.state.VhostState;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One AMQP channel: its lifecycle, content assembly, in-order processing of methods (a method that waits for
 * the metadata group holds back the ones after it), and the one place channel errors close the channel.
 * The work of each method lives in {@link Declarations}, {@link Publishing} and {@link Consuming}.
 * Runs on its connection's event loop.
 */
public final class AmqpChannel implements ServerMethodHandler {
    private enum State { OPEN, CLOSING, CLOSED }

    final int id;
    final ChannelHost host;
    final Declarations declarations;
    final Publishing publishing;
    final Consuming consuming;
    /** Publishes and settlements of this channel that their queues have not applied yet. */
    final QueueEffects effects = new QueueEffects();
    private State state = State.OPEN;
    private final ArrayDeque<Frame> held = new ArrayDeque<>();
    /** Frames held behind a pending operation before the socket stops being read. */
    static final int HELD_FRAMES_MAX = 10_000;
    private boolean holding;

    private void holding(boolean hold) {
        if (hold != holding) {
            holding = hold;
            host.holdReading(hold);
        }
    }
    private boolean busy;
    /** Completed once the channel has done what it received (see {@link #idle}). */
    private CompletableFuture<Void> idleWaiter;
    private Method current;
    /** The last queue declared on this channel: "" in later methods means it. */
    String lastQueue;
    /** Who this channel acts for, in the broker services' terms. */
    final Caller caller;

    // content being assembled
    private BasicMethod.Publish contentMethod;
    private Frame.HeaderFrame contentHeader;
    private CompositeByteBuf contentBody;

    public AmqpChannel(int id, ChannelHost host) {
        this.id = id;
        this.host = host;
        this.caller = new Caller(host.user(), host.vhost(), host.connectionId());
        this.declarations = new Declarations(this);
        this.publishing = new Publishing(this);
        this.consuming = new Consuming(this);
    }

    public int id() { return id; }

    public boolean isOpen() { return state == State.OPEN; }

    /** Handles a frame for this channel; the caller owns nothing afterwards. */
    public void handle(Frame f) {
        if (state != State.OPEN) {
            handleWhileClosing(f);
            return;
        }
        if (busy) {
            held.add(f);
            if (held.size() >= HELD_FRAMES_MAX) holding(true);
            return;
        }
        process(f);
    }

    private void process(Frame f) { process(f, false); }

    private void process(Frame f, boolean synced) {
        current = null;
        try {
            if (f instanceof Frame.MethodFrame mf) onMethod(mf.method());
            else if (f instanceof Frame.HeaderFrame hf) onHeader(hf);
            else if (f instanceof Frame.BodyFrame bf) onBody(bf);
        } catch (DomainException e) {
            if (!synced && e.kind() == DomainException.Kind.NOT_FOUND && f instanceof Frame.MethodFrame) {
                // declared through another node a moment ago? catch up with the metadata group, then look again
                await(host.broker().metadata().sync(), v -> process(f, true));
                return;
            }
            fail(AmqpException.from(e));
        } catch (AmqpException e) {
            fail(AmqpException.from(e));
        } catch (RuntimeException e) {
            fail(AmqpException.of(ReplyCode.INTERNAL_ERROR, "internal error: " + e));
        }
    }

    private void handleWhileClosing(Frame f) {
        if (f instanceof Frame.BodyFrame bf) bf.payload().release();
        if (state == State.CLOSING && f instanceof Frame.MethodFrame mf) {
            if (mf.method() instanceof ChannelMethod.CloseOk || mf.method() instanceof ChannelMethod.Close) {
                if (mf.method() instanceof ChannelMethod.Close) send(new ChannelMethod.CloseOk());
                state = State.CLOSED;
                host.channelClosed(id);
            }
        }
    }

    private void onMethod(Method m) {
        current = m;
        if (contentMethod != null) {
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "expected content header for class 60, got non content header frame instead");
        }
        if (m instanceof ChannelMethod.Close) {
            release();
            send(new ChannelMethod.CloseOk());
            state = State.CLOSED;
            host.channelClosed(id);
            return;
        }
        if (m instanceof ChannelMethod.CloseOk) return; // nothing of ours was closing
        if (m instanceof ChannelMethod.Open) {
            throw AmqpException.of(ReplyCode.CHANNEL_ERROR, "second 'channel.open' seen");
        }
        if (m.direction() == Method.Direction.CLIENT || !MethodDispatcher.dispatch(this, m)) {
            throw AmqpException.of(ReplyCode.COMMAND_INVALID, "method " + m.name() + " cannot be sent by a client on a channel");
        }
    }

    private void onHeader(Frame.HeaderFrame h) {
        if (contentMethod == null || contentHeader != null) {
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "expected method frame, got non method frame instead");
        }
        current = contentMethod;
        if (h.classId() != BasicMethod.CLASS_ID) {
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "content header for class " + h.classId() + " does not match method class 60");
        }
        if (h.bodySize() > host.bodySizeMax()) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "message size " + h.bodySize()
                    + " is larger than configured max size " + host.bodySizeMax());
        }
        contentHeader = h;
        contentBody = host.alloc().compositeBuffer(Integer.MAX_VALUE);
        if (h.bodySize() == 0) completeContent();
    }

    private void onBody(Frame.BodyFrame b) {
        if (contentHeader == null) {
            b.payload().release();
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "expected method frame, got non method frame instead");
        }
        current = contentMethod;
        long remaining = contentHeader.bodySize() - contentBody.readableBytes();
        if (b.payload().readableBytes() > remaining) {
            b.payload().release();
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "body frame exceeds the content's declared size " + contentHeader.bodySize());
        }
        contentBody.addComponent(true, b.payload());
        if (contentBody.readableBytes() == contentHeader.bodySize()) completeContent();
    }

    private void completeContent() {
        BasicMethod.Publish m = contentMethod;
        byte[] props = contentHeader.properties();
        byte[] body = new byte[contentBody.readableBytes()];
        contentBody.readBytes(body);
        contentBody.release();
        contentMethod = null;
        contentHeader = null;
        contentBody = null;
        publishing.publish(m, props, body);
    }

    /** Called by Publishing when basic.publish arrives: content frames follow. */
    void expectContent(BasicMethod.Publish m) { contentMethod = m; }

    // ---- errors ----

    /** The one place a failed method is turned into a channel or connection close. */
    void fail(AmqpException e) {
        if (current != null) e.during(current.classId(), current.methodId());
        if (e.code().scope() == ReplyCode.Scope.CONNECTION) {
            host.connectionError(e);
            return;
        }
        if (state != State.OPEN) return;
        send(new ChannelMethod.Close(e.code().code(), truncate(e.replyText()), e.classId(), e.methodId()));
        state = State.CLOSING;
        release();
    }

    /** Reply texts are short strings: at most 255 bytes. */
    public static String truncate(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= 255) return s;
        String t = s;
        while (t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) t = t.substring(0, t.length() - 1);
        return t;
    }

    /** Frees what the channel holds: held frames, partial content, consumers, unacked messages, tx buffers. */
    public void release() {
        for (Frame f : held) if (f instanceof Frame.BodyFrame bf) bf.payload().release();
        held.clear();
        holding(false);
        if (contentBody != null) { contentBody.release(); contentBody = null; }
        contentMethod = null;
        contentHeader = null;
        consuming.release();
        publishing.release();
        becameIdle();
    }

    /** The socket can take more: consumers held back by writability may go on. */
    public void writable() { consuming.resume(); }

    /** The connection is gone. */
    public void connectionClosed() {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        release();
    }

    // ---- asynchronous steps, kept in order ----

    /** Runs {@code then} on the event loop when {@code f} completes; later frames wait until then. */
    <T> void await(CompletableFuture<T> f, Consumer<T> then) {
        Method m = current;
        busy = true;
        f.whenComplete((v, err) -> host.eventLoop().execute(() -> {
            busy = false;
            if (state == State.OPEN) {
                current = m;
                try {
                    if (err != null) fail(AmqpException.from(err));
                    else then.accept(v);
                } catch (DomainException | AmqpException e) {
                    fail(AmqpException.from(e));
                } catch (RuntimeException e) {
                    fail(AmqpException.of(ReplyCode.INTERNAL_ERROR, "internal error: " + e));
                }
            }
            while (!busy && state == State.OPEN && !held.isEmpty()) process(held.poll());
            if (held.size() < HELD_FRAMES_MAX) holding(false);
            if (state != State.OPEN) {
                while (!held.isEmpty()) handleWhileClosing(held.poll());
            }
            if (!busy || state != State.OPEN) becameIdle();
        }));
    }

    /**
     * Completes once every method this channel has received has been carried out (at once when none is waiting): a
     * client's connection.close lets its channels finish what came before it, as RabbitMQ's channels do.
     */
    public CompletableFuture<Void> idle() {
        if (!busy || state != State.OPEN) return CompletableFuture.completedFuture(null);
        if (idleWaiter == null) idleWaiter = new CompletableFuture<>();
        return idleWaiter;
    }

    private void becameIdle() {
        CompletableFuture<Void> w = idleWaiter;
        idleWaiter = null;
        if (w != null) w.complete(null);
    }

    /**
     * Runs {@code then} once every earlier publish, ack, nack and reject of this channel on {@code q} has taken
     * effect there (at once when none is under way); later frames wait meanwhile. Every method that looks at a queue
     * goes through here: one channel, one order.
     */
    void afterEffects(QueueRecord q, Runnable then) {
        CompletableFuture<Void> landed = effects.settled(q);
        if (landed == null) then.run();
        else await(landed, v -> then.run());
    }

    // ---- output ----

    void send(Method m) { host.write(FrameWriter.method(host.alloc(), id, m)); }

    void sendContent(Method m, byte[] properties, byte[] body) {
        host.write(FrameWriter.content(host.alloc(), id, m, BasicMethod.CLASS_ID, properties, body, host.frameMax()));
    }

    // ---- lookups shared by the method groups ----

    VhostState vhost() {
        VhostState v = host.broker().metadata().state().vhost(host.vhost());
        if (v == null) throw AmqpException.of(ReplyCode.NOT_ALLOWED, "vhost '" + host.vhost() + "' was deleted");
        return v;
    }

    String queueName(String name) {
        if (!name.isEmpty()) return name;
        if (lastQueue == null) throw DomainException.notFound("previously declared queue");
        return lastQueue;
    }

    /** The named queue ("" the last declared), not another connection's exclusive one (405). */
    QueueRecord queue(String name) { return host.broker().definitions().queue(caller, queueName(name)); }

    /** The named queue, which this channel's user may {@code access}. */
    QueueRecord queue(String name, Definitions.Access access) {
        return host.broker().definitions().queue(caller, queueName(name), access);
    }

    // ---- listings ----

    /** This channel as a listing shows it (read on the event loop). */
    public Sessions.ChannelInfo info() {
        String mode = publishing.transactional() ? "T" : publishing.confirming() ? "C" : "";
        return new Sessions.ChannelInfo(host.connectionId(), id, host.user(), host.vhost(), mode, consuming.prefetch(),
                consuming.consumerCount(), consuming.unackedCount(), publishing.unconfirmed());
    }

    public java.util.List<Sessions.ConsumerInfo> consumerInfos() { return consuming.consumerInfos(); }

    // ---- ServerMethodHandler: channel, access ----

    @Override public void channelFlow(ChannelMethod.Flow m) { consuming.flow(m.active()); send(new ChannelMethod.FlowOk(m.active())); }

    @Override public void channelFlowOk(ChannelMethod.FlowOk m) { }

    @Override public void accessRequest(AccessMethod.Request m) { send(new AccessMethod.RequestOk(1)); }

    // ---- exchange, queue ----

    @Override public void exchangeDeclare(ExchangeMethod.Declare m) { declarations.exchangeDeclare(m); }

    @Override public void exchangeDelete(ExchangeMethod.Delete m) { declarations.exchangeDelete(m); }

    @Override public void exchangeBind(ExchangeMethod.Bind m) { declarations.exchangeBind(m); }

    @Override public void exchangeUnbind(ExchangeMethod.Unbind m) { declarations.exchangeUnbind(m); }

    @Override public void queueDeclare(QueueMethod.Declare m) { declarations.queueDeclare(m); }

    @Override public void queueBind(QueueMethod.Bind m) { declarations.queueBind(m); }

    @Override public void queuePurge(QueueMethod.Purge m) { declarations.queuePurge(m); }

    @Override public void queueDelete(QueueMethod.Delete m) { declarations.queueDelete(m); }

    @Override public void queueUnbind(QueueMethod.Unbind m) { declarations.queueUnbind(m); }

    // ---- basic, tx, confirm ----

    @Override public void basicQos(BasicMethod.Qos m) { consuming.qos(m); }

    @Override public void basicConsume(BasicMethod.Consume m) { consuming.consume(m); }

    @Override public void basicCancel(BasicMethod.Cancel m) { consuming.cancel(m); }

    @Override public void basicPublish(BasicMethod.Publish m) { publishing.basicPublish(m); }

    @Override public void basicGet(BasicMethod.Get m) { consuming.get(m); }

    @Override public void basicAck(BasicMethod.Ack m) { consuming.ack(m.deliveryTag(), m.multiple()); }

    @Override public void basicReject(BasicMethod.Reject m) { consuming.reject(m.deliveryTag(), false, m.requeue()); }

    @Override public void basicRecoverAsync(BasicMethod.RecoverAsync m) { consuming.recover(m.requeue()); }

    @Override public void basicRecover(BasicMethod.Recover m) { consuming.recover(m.requeue()); send(new BasicMethod.RecoverOk()); }

    @Override public void basicNack(BasicMethod.Nack m) { consuming.reject(m.deliveryTag(), m.multiple(), m.requeue()); }

    @Override public void txSelect(TxMethod.Select m) { publishing.txSelect(); }

    @Override public void txCommit(TxMethod.Commit m) { publishing.txCommit(); }

    @Override public void txRollback(TxMethod.Rollback m) { publishing.txRollback(); }

    @Override public void confirmSelect(ConfirmMethod.Select m) { publishing.confirmSelect(m.nowait()); }

}
