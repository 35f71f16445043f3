package io.warren.ops.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP listener on Netty's HTTP codec — the library the AMQP listener already uses, so no second server stack — for
 * the management API (port 15672) and the Prometheus endpoint (15692): each request goes to a {@link Handler} and its
 * answer is written when its future completes (no thread waits on the cluster), keep-alive as the client asks.
 */
public final class HttpApiServer implements AutoCloseable {
    /** What the listener serves: a request (path not decoded) to its answer. */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<ApiResponse> handle(String method, String rawPath, Map<String, String> query, Map<String, String> headers,
                                              byte[] body, boolean fromLoopback);
    }

    /** The management API under /api (anything else: 404). */
    public static Handler management(ManagementApi api) {
        return (method, rawPath, query, headers, body, loopback) -> {
            List<String> path = apiPath(rawPath);
            if (path == null) return CompletableFuture.completedFuture(ApiResponse.error(404, "not_found", "Not Found"));
            return api.handleHttp(method, path, query, body, headers, loopback);
        };
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);
    /** Largest request body: a definitions file of a big cluster fits. */
    static final int MAX_BODY_BYTES = 64 << 20;

    private final Handler handler;
    private final String what;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel listener;

    /** {@code what}: the listener's name in the log ("management API", "Prometheus metrics"). */
    public HttpApiServer(String what, Handler handler) {
        this.what = what;
        this.handler = handler;
    }

    public HttpApiServer start(String bindHost, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY_BYTES), new RequestHandler());
                    }
                });
        listener = b.bind(new InetSocketAddress(bindHost, port)).sync().channel();
        LOG.info("{} on {}:{}", what, bindHost, port());
        return this;
    }

    public int port() { return ((InetSocketAddress) listener.localAddress()).getPort(); }

    /** The path after {@code /api}, segment by segment, percent-decoded ({@code %2F} is the vhost "/"); null outside /api. */
    static List<String> apiPath(String rawPath) {
        if (!rawPath.equals("/api") && !rawPath.startsWith("/api/")) return null;
        List<String> out = new ArrayList<>();
        for (String s : rawPath.substring(4).split("/", -1)) {
            if (s.isEmpty()) continue;
            out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }

    private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                write(ctx, ApiResponse.error(400, "bad_request", "malformed HTTP request"), false);
                return;
            }
            QueryStringDecoder qs = new QueryStringDecoder(req.uri());
            Map<String, String> query = new HashMap<>();
            qs.parameters().forEach((k, v) -> query.put(k, String.join(",", v))); // a repeated key (family=a&family=b): its values comma-joined
            Map<String, String> headers = new HashMap<>();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
            byte[] body = new byte[req.content().readableBytes()];
            req.content().readBytes(body);
            boolean loopback = ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress().isLoopbackAddress();
            String method = req.method().name();
            CompletableFuture<ApiResponse> answer;
            try {
                answer = handler.handle(method, qs.rawPath(), query, headers, body, loopback);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((res, err) -> {
                ApiResponse out = err != null ? ApiException.toResponse(err) : res;
                write(ctx, method.equals("HEAD") ? new ApiResponse(out.status(), new byte[0], out.contentType(), out.headers()) : out, keepAlive);
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("management connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        if (r.contentType() != null) res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        r.headers().forEach((k, v) -> res.headers().set(k, v));
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setContentLength(res, r.body().length);
        if (keepAlive) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        if (listener != null) listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
