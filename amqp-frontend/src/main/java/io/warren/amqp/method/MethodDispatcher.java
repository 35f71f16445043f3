package io.warren.amqp.method;

/** Routes a server-bound channel-level method to its handler method, switching on (classId << 16) | methodId. */
public final class MethodDispatcher {
    private MethodDispatcher() { }

    /** Returns false when the method is not one a client may send on a channel. */
    public static boolean dispatch(ServerMethodHandler h, Method m) {
        switch (m.key()) {
            case (ChannelMethod.CLASS_ID << 16) | ChannelMethod.Flow.ID -> h.channelFlow((ChannelMethod.Flow) m);
            case (ChannelMethod.CLASS_ID << 16) | ChannelMethod.FlowOk.ID -> h.channelFlowOk((ChannelMethod.FlowOk) m);
            case (AccessMethod.CLASS_ID << 16) | AccessMethod.Request.ID -> h.accessRequest((AccessMethod.Request) m);
            case (ExchangeMethod.CLASS_ID << 16) | ExchangeMethod.Declare.ID -> h.exchangeDeclare((ExchangeMethod.Declare) m);
            case (ExchangeMethod.CLASS_ID << 16) | ExchangeMethod.Delete.ID -> h.exchangeDelete((ExchangeMethod.Delete) m);
            case (ExchangeMethod.CLASS_ID << 16) | ExchangeMethod.Bind.ID -> h.exchangeBind((ExchangeMethod.Bind) m);
            case (ExchangeMethod.CLASS_ID << 16) | ExchangeMethod.Unbind.ID -> h.exchangeUnbind((ExchangeMethod.Unbind) m);
            case (QueueMethod.CLASS_ID << 16) | QueueMethod.Declare.ID -> h.queueDeclare((QueueMethod.Declare) m);
            case (QueueMethod.CLASS_ID << 16) | QueueMethod.Bind.ID -> h.queueBind((QueueMethod.Bind) m);
            case (QueueMethod.CLASS_ID << 16) | QueueMethod.Purge.ID -> h.queuePurge((QueueMethod.Purge) m);
            case (QueueMethod.CLASS_ID << 16) | QueueMethod.Delete.ID -> h.queueDelete((QueueMethod.Delete) m);
            case (QueueMethod.CLASS_ID << 16) | QueueMethod.Unbind.ID -> h.queueUnbind((QueueMethod.Unbind) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Qos.ID -> h.basicQos((BasicMethod.Qos) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Consume.ID -> h.basicConsume((BasicMethod.Consume) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Cancel.ID -> h.basicCancel((BasicMethod.Cancel) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Publish.ID -> h.basicPublish((BasicMethod.Publish) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Get.ID -> h.basicGet((BasicMethod.Get) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Ack.ID -> h.basicAck((BasicMethod.Ack) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Reject.ID -> h.basicReject((BasicMethod.Reject) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.RecoverAsync.ID -> h.basicRecoverAsync((BasicMethod.RecoverAsync) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Recover.ID -> h.basicRecover((BasicMethod.Recover) m);
            case (BasicMethod.CLASS_ID << 16) | BasicMethod.Nack.ID -> h.basicNack((BasicMethod.Nack) m);
            case (TxMethod.CLASS_ID << 16) | TxMethod.Select.ID -> h.txSelect((TxMethod.Select) m);
            case (TxMethod.CLASS_ID << 16) | TxMethod.Commit.ID -> h.txCommit((TxMethod.Commit) m);
            case (TxMethod.CLASS_ID << 16) | TxMethod.Rollback.ID -> h.txRollback((TxMethod.Rollback) m);
            case (ConfirmMethod.CLASS_ID << 16) | ConfirmMethod.Select.ID -> h.confirmSelect((ConfirmMethod.Select) m);
            default -> { return false; }
        }
        return true;
    }
}
