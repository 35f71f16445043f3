package io.warren.raft.link;

import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The sending side of a link stream: frames queued from any thread go out in order, as one gRPC message per
 * flush. A flush runs on the link's sender thread; frames queued while it is busy wait for the next one, so a
 * loaded stream carries many frames per message (one HTTP/2 frame, one hand-off to the receiver's executor, one
 * allocation on each side, instead of one of each per publish, reply or delivery) and an idle one sends each
 * frame at once.
 *
 * <p>Message format: {@link #BATCH}, then per frame its length (4 bytes) and bytes. Streams whose frames are
 * typed by their first byte (consumer streams) may carry single frames as they are; {@link #forEach} takes both.
 */
public final class FrameBatcher {
    /** First byte of a batch; no single frame type uses it. */
    public static final int BATCH = 0x7F;
    /** A flush takes at most this many bytes; the rest goes in the next message. */
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private static final ExecutorService SENDER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warren-link-sender");
        t.setDaemon(true);
        return t;
    });

    private final StreamObserver<byte[]> out;
    private ArrayList<byte[]> queued = new ArrayList<>();
    private boolean flushing;
    private boolean ending;
    private boolean ended;

    public FrameBatcher(StreamObserver<byte[]> out) { this.out = out; }

    /** Queues a frame; dropped once the stream has ended. */
    public void send(byte[] frame) { queue(frame, false); }

    /** Sends what is queued, then {@code last} (if any), then completes the stream. */
    public void end(byte[] last) { queue(last, true); }

    private void queue(byte[] frame, boolean last) {
        synchronized (this) {
            if (ending || ended) return;
            if (frame != null) queued.add(frame);
            ending = last;
            if (flushing) return;
            flushing = true;
        }
        SENDER.execute(this::flush);
    }

    /** Stops sending without completing the stream (the stream failed). */
    public synchronized void abandon() {
        ended = true;
        queued.clear();
    }

    private void flush() {
        while (true) {
            List<byte[]> batch;
            boolean complete;
            synchronized (this) {
                if (ended || (queued.isEmpty() && !ending)) {
                    flushing = false;
                    return;
                }
                batch = takeBatch();
                complete = ending && queued.isEmpty();
                if (complete) ended = true;
            }
            try {
                if (!batch.isEmpty()) out.onNext(encode(batch));
                if (complete) out.onCompleted();
            } catch (RuntimeException e) { // the stream is gone; its observer hears of it
                abandon();
            }
        }
    }

    private List<byte[]> takeBatch() {
        int bytes = 0, n = 0;
        while (n < queued.size() && (n == 0 || bytes + queued.get(n).length <= MAX_BATCH_BYTES)) bytes += queued.get(n++).length;
        if (n == queued.size()) {
            List<byte[]> all = queued;
            queued = new ArrayList<>();
            return all;
        }
        List<byte[]> some = new ArrayList<>(queued.subList(0, n));
        queued.subList(0, n).clear();
        return some;
    }

    static byte[] encode(List<byte[]> frames) {
        int size = 1;
        for (byte[] f : frames) size += 4 + f.length;
        ByteBuffer b = ByteBuffer.allocate(size).put((byte) BATCH);
        for (byte[] f : frames) b.putInt(f.length).put(f);
        return b.array();
    }

    /** Calls {@code handler} with each frame of a message: the frames of a batch, or the message itself. */
    public static void forEach(byte[] message, Consumer<byte[]> handler) {
        if (message.length == 0 || (message[0] & 0xFF) != BATCH) {
            handler.accept(message);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(message, 1, message.length - 1);
        while (b.remaining() >= 4) {
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) throw new IllegalArgumentException("malformed link batch");
            byte[] f = new byte[len];
            b.get(f);
            handler.accept(f);
        }
    }
}
