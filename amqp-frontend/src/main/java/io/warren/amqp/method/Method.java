package io.warren.amqp.method;

/** An AMQP 0-9-1 method: class and method id, direction, and its argument encoding. */
public sealed interface Method permits ConnectionMethod, ChannelMethod, AccessMethod, ExchangeMethod, QueueMethod,
        BasicMethod, TxMethod, ConfirmMethod {
    enum Direction { SERVER, CLIENT, BOTH }

    int classId();

    int methodId();

    Direction direction();

    void write(MethodWriter w);

    default int key() { return (classId() << 16) | methodId(); }

    /** True for the methods that carry content (a header and body frames follow). */
    default boolean hasContent() {
        return classId() == BasicMethod.CLASS_ID && (methodId() == 40 || methodId() == 50 || methodId() == 60 || methodId() == 71);
    }

    default String name() { return MethodCodec.name(key()); }
}
