package io.warren.amqp.method;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;

/** Encodes and decodes method frames' payloads: class id, method id, arguments. */
public final class MethodCodec {
    private MethodCodec() { }

    /** Thrown for a class/method pair this protocol does not have. */
    public static final class UnknownMethodException extends RuntimeException {
        public final int classId;
        public final int methodId;

        UnknownMethodException(int classId, int methodId) {
            super("unknown method " + classId + "." + methodId, null, false, false);
            this.classId = classId;
            this.methodId = methodId;
        }
    }

    /**
     * Decodes one method from a frame payload. Truncated or malformed arguments raise
     * {@link BinaryReader.MalformedException}; an unknown class or method {@link UnknownMethodException}.
     */
    public static Method decode(BinaryReader in) {
        int classId = in.u16();
        int methodId = in.u16();
        MethodReader r = new MethodReader(in);
        return switch ((classId << 16) | methodId) {
            case 0x000a000a -> ConnectionMethod.Start.read(r);
            case 0x000a000b -> ConnectionMethod.StartOk.read(r);
            case 0x000a0014 -> ConnectionMethod.Secure.read(r);
            case 0x000a0015 -> ConnectionMethod.SecureOk.read(r);
            case 0x000a001e -> ConnectionMethod.Tune.read(r);
            case 0x000a001f -> ConnectionMethod.TuneOk.read(r);
            case 0x000a0028 -> ConnectionMethod.Open.read(r);
            case 0x000a0029 -> ConnectionMethod.OpenOk.read(r);
            case 0x000a0032 -> ConnectionMethod.Close.read(r);
            case 0x000a0033 -> ConnectionMethod.CloseOk.read(r);
            case 0x000a003c -> ConnectionMethod.Blocked.read(r);
            case 0x000a003d -> ConnectionMethod.Unblocked.read(r);
            case 0x000a0046 -> ConnectionMethod.UpdateSecret.read(r);
            case 0x000a0047 -> ConnectionMethod.UpdateSecretOk.read(r);
            case 0x0014000a -> ChannelMethod.Open.read(r);
            case 0x0014000b -> ChannelMethod.OpenOk.read(r);
            case 0x00140014 -> ChannelMethod.Flow.read(r);
            case 0x00140015 -> ChannelMethod.FlowOk.read(r);
            case 0x00140028 -> ChannelMethod.Close.read(r);
            case 0x00140029 -> ChannelMethod.CloseOk.read(r);
            case 0x001e000a -> AccessMethod.Request.read(r);
            case 0x001e000b -> AccessMethod.RequestOk.read(r);
            case 0x0028000a -> ExchangeMethod.Declare.read(r);
            case 0x0028000b -> ExchangeMethod.DeclareOk.read(r);
            case 0x00280014 -> ExchangeMethod.Delete.read(r);
            case 0x00280015 -> ExchangeMethod.DeleteOk.read(r);
            case 0x0028001e -> ExchangeMethod.Bind.read(r);
            case 0x0028001f -> ExchangeMethod.BindOk.read(r);
            case 0x00280028 -> ExchangeMethod.Unbind.read(r);
            case 0x00280033 -> ExchangeMethod.UnbindOk.read(r);
            case 0x0032000a -> QueueMethod.Declare.read(r);
            case 0x0032000b -> QueueMethod.DeclareOk.read(r);
            case 0x00320014 -> QueueMethod.Bind.read(r);
            case 0x00320015 -> QueueMethod.BindOk.read(r);
            case 0x0032001e -> QueueMethod.Purge.read(r);
            case 0x0032001f -> QueueMethod.PurgeOk.read(r);
            case 0x00320028 -> QueueMethod.Delete.read(r);
            case 0x00320029 -> QueueMethod.DeleteOk.read(r);
            case 0x00320032 -> QueueMethod.Unbind.read(r);
            case 0x00320033 -> QueueMethod.UnbindOk.read(r);
            case 0x003c000a -> BasicMethod.Qos.read(r);
            case 0x003c000b -> BasicMethod.QosOk.read(r);
            case 0x003c0014 -> BasicMethod.Consume.read(r);
            case 0x003c0015 -> BasicMethod.ConsumeOk.read(r);
            case 0x003c001e -> BasicMethod.Cancel.read(r);
            case 0x003c001f -> BasicMethod.CancelOk.read(r);
            case 0x003c0028 -> BasicMethod.Publish.read(r);
            case 0x003c0032 -> BasicMethod.Return.read(r);
            case 0x003c003c -> BasicMethod.Deliver.read(r);
            case 0x003c0046 -> BasicMethod.Get.read(r);
            case 0x003c0047 -> BasicMethod.GetOk.read(r);
            case 0x003c0048 -> BasicMethod.GetEmpty.read(r);
            case 0x003c0050 -> BasicMethod.Ack.read(r);
            case 0x003c005a -> BasicMethod.Reject.read(r);
            case 0x003c0064 -> BasicMethod.RecoverAsync.read(r);
            case 0x003c006e -> BasicMethod.Recover.read(r);
            case 0x003c006f -> BasicMethod.RecoverOk.read(r);
            case 0x003c0078 -> BasicMethod.Nack.read(r);
            case 0x005a000a -> TxMethod.Select.read(r);
            case 0x005a000b -> TxMethod.SelectOk.read(r);
            case 0x005a0014 -> TxMethod.Commit.read(r);
            case 0x005a0015 -> TxMethod.CommitOk.read(r);
            case 0x005a001e -> TxMethod.Rollback.read(r);
            case 0x005a001f -> TxMethod.RollbackOk.read(r);
            case 0x0055000a -> ConfirmMethod.Select.read(r);
            case 0x0055000b -> ConfirmMethod.SelectOk.read(r);
            default -> throw new UnknownMethodException(classId, methodId);
        };
    }

    public static byte[] encode(Method m) {
        BinaryWriter w = new BinaryWriter(64);
        w.u16(m.classId()).u16(m.methodId());
        MethodWriter mw = new MethodWriter(w);
        m.write(mw);
        mw.flushBits();
        return w.toByteArray();
    }

    /** "class.method" as the protocol names it, for error texts. */
    public static String name(int key) {
        return switch (key) {
            case 0x000a000a -> "connection.start";
            case 0x000a000b -> "connection.start-ok";
            case 0x000a0014 -> "connection.secure";
            case 0x000a0015 -> "connection.secure-ok";
            case 0x000a001e -> "connection.tune";
            case 0x000a001f -> "connection.tune-ok";
            case 0x000a0028 -> "connection.open";
            case 0x000a0029 -> "connection.open-ok";
            case 0x000a0032 -> "connection.close";
            case 0x000a0033 -> "connection.close-ok";
            case 0x000a003c -> "connection.blocked";
            case 0x000a003d -> "connection.unblocked";
            case 0x000a0046 -> "connection.update-secret";
            case 0x000a0047 -> "connection.update-secret-ok";
            case 0x0014000a -> "channel.open";
            case 0x0014000b -> "channel.open-ok";
            case 0x00140014 -> "channel.flow";
            case 0x00140015 -> "channel.flow-ok";
            case 0x00140028 -> "channel.close";
            case 0x00140029 -> "channel.close-ok";
            case 0x001e000a -> "access.request";
            case 0x001e000b -> "access.request-ok";
            case 0x0028000a -> "exchange.declare";
            case 0x0028000b -> "exchange.declare-ok";
            case 0x00280014 -> "exchange.delete";
            case 0x00280015 -> "exchange.delete-ok";
            case 0x0028001e -> "exchange.bind";
            case 0x0028001f -> "exchange.bind-ok";
            case 0x00280028 -> "exchange.unbind";
            case 0x00280033 -> "exchange.unbind-ok";
            case 0x0032000a -> "queue.declare";
            case 0x0032000b -> "queue.declare-ok";
            case 0x00320014 -> "queue.bind";
            case 0x00320015 -> "queue.bind-ok";
            case 0x0032001e -> "queue.purge";
            case 0x0032001f -> "queue.purge-ok";
            case 0x00320028 -> "queue.delete";
            case 0x00320029 -> "queue.delete-ok";
            case 0x00320032 -> "queue.unbind";
            case 0x00320033 -> "queue.unbind-ok";
            case 0x003c000a -> "basic.qos";
            case 0x003c000b -> "basic.qos-ok";
            case 0x003c0014 -> "basic.consume";
            case 0x003c0015 -> "basic.consume-ok";
            case 0x003c001e -> "basic.cancel";
            case 0x003c001f -> "basic.cancel-ok";
            case 0x003c0028 -> "basic.publish";
            case 0x003c0032 -> "basic.return";
            case 0x003c003c -> "basic.deliver";
            case 0x003c0046 -> "basic.get";
            case 0x003c0047 -> "basic.get-ok";
            case 0x003c0048 -> "basic.get-empty";
            case 0x003c0050 -> "basic.ack";
            case 0x003c005a -> "basic.reject";
            case 0x003c0064 -> "basic.recover-async";
            case 0x003c006e -> "basic.recover";
            case 0x003c006f -> "basic.recover-ok";
            case 0x003c0078 -> "basic.nack";
            case 0x005a000a -> "tx.select";
            case 0x005a000b -> "tx.select-ok";
            case 0x005a0014 -> "tx.commit";
            case 0x005a0015 -> "tx.commit-ok";
            case 0x005a001e -> "tx.rollback";
            case 0x005a001f -> "tx.rollback-ok";
            case 0x0055000a -> "confirm.select";
            case 0x0055000b -> "confirm.select-ok";
            default -> "unknown(" + (key >>> 16) + "." + (key & 0xffff) + ")";
        };
    }
}
