package io.warren.raft.link;

import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The node-to-node link: a gRPC service served on each node's Raft port next to Ratis's own services.
 * {@code Call} carries one request and its answer (queue operations forwarded to the node that hosts a
 * queue, cluster requests); {@code Consume} is a stream per remote consumer: credit one way, deliveries the
 * other. Every call carries a digest of the cluster secret; calls without the right one are refused.
 */
public final class Link {
    private Link() { }

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override public InputStream stream(byte[] value) { return new ByteArrayInputStream(value); }

        @Override public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> CALL = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("warren.Link/Call")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    static final MethodDescriptor<byte[], byte[]> CONSUME = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("warren.Link/Consume")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    /** Calls that must run in the order they were made (publishes, settles): [seq][request] → [seq][answer]. */
    static final MethodDescriptor<byte[], byte[]> ORDERED = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("warren.Link/Ordered")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    /** A queue group's state, streamed to a follower that is too far behind for the log. */
    static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING).setFullMethodName("warren.Link/Export")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    static final Metadata.Key<String> SECRET = Metadata.Key.of("warren-cluster-secret", Metadata.ASCII_STRING_MARSHALLER);

    /** What travels instead of the secret itself. */
    public static String digest(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("warren-cluster:" + secret).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
