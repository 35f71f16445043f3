package io.warren.metadata.port;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.QueueRecord;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Declaring, binding, looking up, purging and deleting exchanges and queues, for every front end, with RabbitMQ's
 * checks in one place: the default exchange and {@code amq.*} names are reserved, the caller needs configure
 * permission to declare or delete, write on the destination and read on the source to bind, read on a queue to
 * consume, get or purge; an exclusive queue belongs to its connection; the queue type follows from the arguments and
 * properties (quorum unless asked otherwise or impossible); a redeclare must be equivalent. Changes complete once the
 * metadata group has applied them here and on every reachable node. Refusals complete exceptionally (lookups throw)
 * with a {@link io.warren.metadata.model.DomainException}; each front end maps its kind onto its protocol's codes.
 */
public interface Definitions {
    enum Access { CONFIGURE, WRITE, READ }

    /** What a queue declare asks for: {@code name} "" means a server-named queue. */
    record QueueDeclaration(String name, boolean durable, boolean exclusive, boolean autoDelete, Map<String, Object> arguments) { }

    /** Refuses (ACCESS_REFUSED) unless the caller may {@code access} the {@code kind} ("exchange", "queue") named {@code name}. */
    void authorize(Caller caller, Access access, String kind, String name);

    /**
     * Topic permissions: on a topic exchange, whether the caller may publish with ({@code WRITE}) or bind with
     * ({@code READ}) this routing key; ACCESS_REFUSED if not. Other exchange types, and exchanges the user has no topic
     * permission on, pass.
     */
    void authorizeTopic(Caller caller, Access access, io.warren.metadata.model.ExchangeRecord exchange, String routingKey);

    /** An exchange of the caller's vhost; NOT_FOUND when there is none (the default exchange is ""). */
    ExchangeRecord exchange(Caller caller, String name);

    CompletableFuture<Void> declareExchange(Caller caller, String name, ExchangeType type, boolean durable, boolean autoDelete,
                                            boolean internal, Map<String, Object> arguments);

    /** Deleting an exchange that is not there succeeds, as in RabbitMQ. */
    CompletableFuture<Void> deleteExchange(Caller caller, String name, boolean ifUnused);

    /** Binds; the binding's vhost must be the caller's. */
    CompletableFuture<Void> bind(Caller caller, BindingRecord binding);

    /** Unbinding what is not bound, or from a queue or exchange that is not there, succeeds. */
    CompletableFuture<Void> unbind(Caller caller, BindingRecord binding);

    /** A queue of the caller's vhost: NOT_FOUND when there is none, RESOURCE_LOCKED when another connection owns it. */
    QueueRecord queue(Caller caller, String name);

    /** {@link #queue} and {@link #authorize}: a queue the caller may {@code access}. */
    default QueueRecord queue(Caller caller, String name, Access access) {
        QueueRecord q = queue(caller, name);
        authorize(caller, access, "queue", q.name());
        return q;
    }

    /** Declares (or finds the equivalent existing) queue on the caller's node; completes with the record in force. */
    CompletableFuture<QueueRecord> declareQueue(Caller caller, String node, QueueDeclaration declaration);

    /** Removes the ready messages of a queue the caller may read (see {@link #queue(Caller, String, Access)}); their count. */
    CompletableFuture<Long> purgeQueue(QueueRecord queue);

    /**
     * Deletes a queue found with {@link #queue(Caller, String, Access)} (CONFIGURE): if-unused and if-empty are checked
     * where the queue is served (PRECONDITION_FAILED); completes with the number of messages it held.
     */
    CompletableFuture<Long> deleteQueue(QueueRecord queue, boolean ifUnused, boolean ifEmpty);
}
