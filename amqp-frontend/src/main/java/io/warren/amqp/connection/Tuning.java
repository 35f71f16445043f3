package io.warren.amqp.connection;

import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.ConnectionMethod;

/** What connection.tune-ok settles: the frame size, the channel limit and the heartbeat, within what the server offered. */
record Tuning(int frameMax, int channelMax, int heartbeatSeconds) {
    static Tuning negotiate(AmqpConfig config, ConnectionMethod.TuneOk t) {
        long fm = Integer.toUnsignedLong(t.frameMax());
        if (fm == 0) fm = config.frameMax();
        if (fm < 4096) throw AmqpException.of(ReplyCode.NOT_ALLOWED, "frame_max=" + fm + " < 4096 min size").during(10, 31);
        if (fm > config.frameMax()) {
            throw AmqpException.of(ReplyCode.NOT_ALLOWED, "frame_max=" + fm + " > " + config.frameMax() + " max size").during(10, 31);
        }
        int cm = t.channelMax() == 0 ? config.channelMax() : t.channelMax();
        if (cm > config.channelMax()) {
            throw AmqpException.of(ReplyCode.NOT_ALLOWED, "channel_max=" + cm + " > " + config.channelMax() + " max").during(10, 31);
        }
        return new Tuning((int) fm, cm, t.heartbeat());
    }
}
