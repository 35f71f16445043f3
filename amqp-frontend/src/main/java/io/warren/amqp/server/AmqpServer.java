package io.warren.amqp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.warren.amqp.channel.ReplyToRegistry;
import io.warren.amqp.codec.FrameDecoder;
import io.warren.amqp.connection.AmqpConfig;
import io.warren.amqp.connection.AmqpConnection;
import io.warren.metadata.port.BrokerPort;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The AMQP listener: a Netty server whose pipeline is idle handling, flush consolidation, frames, connection. */
public final class AmqpServer implements AutoCloseable {
    private final BrokerPort broker;
    private final AmqpConfig config;
    private final ReplyToRegistry replyTo = new ReplyToRegistry();
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
            NioIoHandler.newFactory());
    private Channel listener;

    public AmqpServer(BrokerPort broker, AmqpConfig config) {
        this.broker = broker;
        this.config = config;
    }

    public void start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // until tune-ok, frames are held to AMQP's minimum frame size, as RabbitMQ holds them
                        FrameDecoder decoder = new FrameDecoder(AmqpConfig.HANDSHAKE_FRAME_MAX);
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(config.handshakeTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS))
                                .addLast("flush", new FlushConsolidationHandler(256, true))
                                .addLast("frames", decoder)
                                .addLast("amqp", new AmqpConnection(broker, config, replyTo, decoder, registry));
                    }
                });
        listener = b.bind(new InetSocketAddress(config.bindHost(), config.port())).sync().channel();
    }

    public int port() { return ((InetSocketAddress) listener.localAddress()).getPort(); }

    /** The connections and channels open now. */
    public ConnectionRegistry registry() { return registry; }

    @Override
    public void close() {
        if (listener != null) listener.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
