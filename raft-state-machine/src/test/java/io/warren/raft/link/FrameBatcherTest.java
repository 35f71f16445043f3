package io.warren.raft.link;

import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class FrameBatcherTest {
    /** Collects what a stream receives: the messages, the frames in them, whether it was completed. */
    static final class Receiver implements StreamObserver<byte[]> {
        final List<byte[]> frames = new ArrayList<>();
        int messages;
        final CountDownLatch completed = new CountDownLatch(1);
        volatile boolean blockFirst;
        final CountDownLatch release = new CountDownLatch(1);

        @Override public synchronized void onNext(byte[] message) {
            if (blockFirst && messages == 0) {
                try { release.await(5, TimeUnit.SECONDS); } catch (InterruptedException e) { throw new RuntimeException(e); }
            }
            messages++;
            FrameBatcher.forEach(message, frames::add);
        }

        @Override public void onError(Throwable t) { }

        @Override public void onCompleted() { completed.countDown(); }
    }

    private static byte[] frame(long n) { return ByteBuffer.allocate(8).putLong(n).array(); }

    @Test
    void framesFromManyThreadsArriveInTheOrderQueuedAndShareMessagesUnderLoad() throws Exception {
        Receiver r = new Receiver();
        r.blockFirst = true; // the sender is busy with the first message while the rest queue up
        FrameBatcher b = new FrameBatcher(r);
        b.send(frame(0));
        Object order = new Object();
        long[] next = {1};
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 2_500; i++) {
                    synchronized (order) { b.send(frame(next[0]++)); }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        r.release.countDown();
        b.end(frame(10_001));
        assertTrue(r.completed.await(10, TimeUnit.SECONDS), "the stream is completed after the last frame");
        synchronized (r) {
            assertEquals(10_002, r.frames.size());
            for (int i = 0; i < r.frames.size(); i++) assertEquals(i, ByteBuffer.wrap(r.frames.get(i)).getLong(), "frame " + i);
            assertTrue(r.messages < 100, "frames queued behind a busy sender go out together: " + r.messages + " messages");
        }
        b.send(frame(1));
        Thread.sleep(100);
        synchronized (r) { assertEquals(10_002, r.frames.size(), "nothing is sent after the end"); }
    }

    @Test
    void aStreamThatFailsStopsTakingFrames() throws Exception {
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
        FrameBatcher b = new FrameBatcher(new StreamObserver<>() {
            @Override public void onNext(byte[] value) {
                tries.incrementAndGet();
                throw new IllegalStateException("call already cancelled");
            }

            @Override public void onError(Throwable t) { }

            @Override public void onCompleted() { completed.set(true); }
        });
        b.send(frame(1));
        long deadline = System.currentTimeMillis() + 5_000;
        while (tries.get() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(5);
        Thread.sleep(50);
        b.send(frame(2));
        b.end(frame(3));
        Thread.sleep(200);
        assertEquals(1, tries.get(), "nothing more is sent on a failed stream");
        assertFalse(completed.get(), "a failed stream is not completed");
    }

    @Test
    void aSingleFrameThatIsNotABatchPassesThrough() {
        List<byte[]> got = new ArrayList<>();
        FrameBatcher.forEach(new byte[]{2, 9, 9}, got::add);
        assertEquals(1, got.size());
        assertArrayEquals(new byte[]{2, 9, 9}, got.get(0));
        assertThrows(IllegalArgumentException.class, () -> FrameBatcher.forEach(new byte[]{0x7F, 0, 0, 0, 9, 1}, f -> { }));
    }
}
