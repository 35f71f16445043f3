package io.warren.amqp.method;

/** One method per server-bound channel-level method; {@link MethodDispatcher} routes to them. */
public interface ServerMethodHandler {
    void channelFlow(ChannelMethod.Flow m);

    void channelFlowOk(ChannelMethod.FlowOk m);

    void accessRequest(AccessMethod.Request m);

    void exchangeDeclare(ExchangeMethod.Declare m);

    void exchangeDelete(ExchangeMethod.Delete m);

    void exchangeBind(ExchangeMethod.Bind m);

    void exchangeUnbind(ExchangeMethod.Unbind m);

    void queueDeclare(QueueMethod.Declare m);

    void queueBind(QueueMethod.Bind m);

    void queuePurge(QueueMethod.Purge m);

    void queueDelete(QueueMethod.Delete m);

    void queueUnbind(QueueMethod.Unbind m);

    void basicQos(BasicMethod.Qos m);

    void basicConsume(BasicMethod.Consume m);

    void basicCancel(BasicMethod.Cancel m);

    void basicPublish(BasicMethod.Publish m);

    void basicGet(BasicMethod.Get m);

    void basicAck(BasicMethod.Ack m);

    void basicReject(BasicMethod.Reject m);

    void basicRecoverAsync(BasicMethod.RecoverAsync m);

    void basicRecover(BasicMethod.Recover m);

    void basicNack(BasicMethod.Nack m);

    void txSelect(TxMethod.Select m);

    void txCommit(TxMethod.Commit m);

    void txRollback(TxMethod.Rollback m);

    void confirmSelect(ConfirmMethod.Select m);
}
