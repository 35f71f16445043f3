package io.warren.raft.link;

import org.apache.ratis.thirdparty.io.grpc.CallOptions;
import org.apache.ratis.thirdparty.io.grpc.Channel;
import org.apache.ratis.thirdparty.io.grpc.ClientInterceptors;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.MetadataUtils;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The client side of the link: one channel per peer address, the secret's digest on every call. */
public final class LinkClient implements AutoCloseable {
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Metadata headers = new Metadata();

    public LinkClient(String secretDigest) { headers.put(Link.SECRET, secretDigest); }

    private Channel channel(String address) {
        ManagedChannel c = channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext()
                .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(5, TimeUnit.SECONDS).keepAliveWithoutCalls(true)
                .maxInboundMessageSize(256 << 20).build());
        return ClientInterceptors.intercept(c, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** One request, one answer; fails if the peer cannot be reached within {@code timeoutMs}. */
    public CompletableFuture<byte[]> call(String address, byte[] request, long timeoutMs) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(channel(address).newCall(Link.CALL, CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)),
                request, new StreamObserver<>() {
                    @Override public void onNext(byte[] value) { f.complete(value); }

                    @Override public void onError(Throwable t) {
                        ManagedChannel c = channels.get(address);
                        if (c != null) c.resetConnectBackoff(); // the peer may be back by the next call
                        f.completeExceptionally(t);
                    }

                    @Override public void onCompleted() { f.complete(new byte[0]); }
                });
        return f;
    }

    /** A typed call: completes with its answer, or exceptionally with the refusal it carries or the link's failure. */
    public <R> CompletableFuture<R> call(String address, LinkCall<R> call, long timeoutMs) {
        return call(address, LinkCodec.encode(call), timeoutMs).thenApply(b -> LinkCodec.readAnswer(call, b));
    }

    /** A typed {@link #orderedCall(String, byte[])}. */
    public <R> CompletableFuture<R> orderedCall(String address, LinkCall<R> call) {
        return orderedCall(address, LinkCodec.encode(call)).thenApply(b -> LinkCodec.readAnswer(call, b));
    }

    private final Map<String, Ordered> ordered = new ConcurrentHashMap<>();

    /** A call that the peer runs after every earlier ordered call from this node, in order. */
    public CompletableFuture<byte[]> orderedCall(String address, byte[] request) {
        while (true) {
            Ordered o = ordered.computeIfAbsent(address, Ordered::new);
            CompletableFuture<byte[]> f = o.call(request);
            if (f != null) return f;
            ordered.remove(address, o); // that stream broke: open a new one
        }
    }

    /** One stream per peer; answers matched to calls by sequence number. Calls and answers travel in batches. */
    private final class Ordered implements StreamObserver<byte[]> {
        private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
        private final FrameBatcher out;
        private long seq;
        private boolean broken;

        private final String address;

        Ordered(String address) {
            this.address = address;
            out = new FrameBatcher(ClientCalls.asyncBidiStreamingCall(channel(address).newCall(Link.ORDERED, CallOptions.DEFAULT), this));
        }

        synchronized CompletableFuture<byte[]> call(byte[] request) {
            if (broken) return null;
            long s = ++seq;
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            pending.put(s, f);
            out.send(java.nio.ByteBuffer.allocate(8 + request.length).putLong(s).put(request).array());
            return f;
        }

        @Override public void onNext(byte[] replies) { FrameBatcher.forEach(replies, this::answered); }

        private void answered(byte[] reply) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(reply);
            CompletableFuture<byte[]> f = pending.remove(b.getLong());
            byte[] answer = new byte[b.remaining()];
            b.get(answer);
            if (f != null) f.complete(answer);
        }

        @Override public void onError(Throwable t) {
            synchronized (this) { broken = true; }
            out.abandon();
            ManagedChannel c = channels.get(address);
            if (c != null) c.resetConnectBackoff();
            for (CompletableFuture<byte[]> f : pending.values()) f.completeExceptionally(t);
            pending.clear();
        }

        @Override public void onCompleted() { onError(new IllegalStateException("link stream closed")); }
    }

    /** Streams a queue group's state from a peer into {@code in}. */
    public void export(String address, byte[] request, StreamObserver<byte[]> in) {
        ClientCalls.asyncServerStreamingCall(channel(address).newCall(Link.EXPORT, CallOptions.DEFAULT), request, in);
    }

    /** Opens a consumer stream; returns the observer for our frames. */
    public StreamObserver<byte[]> consume(String address, StreamObserver<byte[]> in) {
        return ClientCalls.asyncBidiStreamingCall(channel(address).newCall(Link.CONSUME, CallOptions.DEFAULT), in);
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels.values()) c.shutdownNow();
        channels.clear();
    }
}
