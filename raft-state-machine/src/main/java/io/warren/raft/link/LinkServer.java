package io.warren.raft.link;

import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptors;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/** The server side of the link, as a gRPC service definition to add to the Raft server. */
public final class LinkServer {
    private static final Logger LOG = LoggerFactory.getLogger(LinkServer.class);

    /** What a node answers on the link. */
    public interface Handler {
        /** A call; {@code session}: the ordered stream it came on, or null for a single call. */
        CompletableFuture<byte[]> call(byte[] request, LinkSession session);

        /** A consumer stream: returns the observer of the client's frames; {@code out} takes ours. */
        StreamObserver<byte[]> consume(StreamObserver<byte[]> out);

        /** Streams the state of the queue group named in {@code request}; the last frame carries its index. */
        void export(byte[] request, StreamObserver<byte[]> out);
    }

    private LinkServer() { }

    /**
     * Runs each call as it arrives (so their synchronous parts keep the caller's order); answers as they complete.
     * Calls arrive and answers leave in batches ({@link FrameBatcher}).
     */
    private static StreamObserver<byte[]> ordered(Handler handler, StreamObserver<byte[]> stream) {
        FrameBatcher out = new FrameBatcher(stream);
        LinkSession session = new LinkSession();
        return new StreamObserver<>() {
            @Override public void onNext(byte[] frames) { FrameBatcher.forEach(frames, this::call); }

            private void call(byte[] frame) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame);
                long seq = b.getLong();
                byte[] req = new byte[b.remaining()];
                b.get(req);
                handler.call(req, session).whenComplete((res, err) -> {
                    byte[] answer = err != null ? io.warren.raft.link.LinkCodec.error(err) : res;
                    out.send(java.nio.ByteBuffer.allocate(8 + answer.length).putLong(seq).put(answer).array());
                });
            }

            @Override public void onError(Throwable t) {
                out.abandon();
                session.end();
            }

            @Override public void onCompleted() {
                out.end(null);
                session.end();
            }
        };
    }

    public static ServerServiceDefinition service(Handler handler, String secretDigest) {
        ServerServiceDefinition def = ServerServiceDefinition.builder("warren.Link")
                .addMethod(Link.CALL, ServerCalls.asyncUnaryCall((req, out) -> handler.call(req, null).whenComplete((res, err) -> {
                    if (err != null) {
                        out.onError(Status.INTERNAL.withDescription(String.valueOf(err)).asRuntimeException());
                    } else {
                        out.onNext(res);
                        out.onCompleted();
                    }
                })))
                .addMethod(Link.CONSUME, ServerCalls.asyncBidiStreamingCall(handler::consume))
                .addMethod(Link.ORDERED, ServerCalls.asyncBidiStreamingCall(out -> ordered(handler, out)))
                .addMethod(Link.EXPORT, ServerCalls.asyncServerStreamingCall(handler::export))
                .build();
        return ServerInterceptors.intercept(def, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (!secretDigest.equals(headers.get(Link.SECRET))) {
                    SocketAddress from = call.getAttributes().get(org.apache.ratis.thirdparty.io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                    LOG.warn("refused a node-to-node call from {}: wrong or missing cluster secret", from);
                    call.close(Status.PERMISSION_DENIED.withDescription("wrong cluster secret"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                return next.startCall(call, headers);
            }
        });
    }

}
