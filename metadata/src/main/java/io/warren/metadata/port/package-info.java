/**
 * What a front end may ask of the broker, protocol-neutral. Every front end — the AMQP channels, the HTTP API, the
 * CLI, shovels and federation links, dead-lettering on a queue's leader — is a client of these and nothing else.
 *
 * <ul>
 * <li>{@link io.warren.metadata.port.Publisher}: a message routed by RabbitMQ's rules (exchange types, exchange-to-
 *     exchange bindings, alternate exchanges, CC/BCC, write permission, user-id) and delivered to every target queue;
 *     the outcome completes once each target has it safe — for a quorum or durable classic queue, committed on a
 *     majority of its group — or has failed, and never completes exceptionally.</li>
 * <li>{@link io.warren.metadata.port.Definitions}: exchanges, queues and bindings declared, bound, looked up, purged
 *     and deleted with RabbitMQ's checks in one place; a change completes once the metadata group applied it here and
 *     on every reachable node, so any node routes with it.</li>
 * <li>{@link io.warren.metadata.port.Admin}: the operator's view (status, listings with live leaders and counts,
 *     connections of every node) and the operator's changes (policies, forgetting a node), as typed records.</li>
 * <li>{@link io.warren.metadata.port.Sessions}: a node's client connections, for listings.</li>
 * <li>{@link io.warren.metadata.port.MetadataPort} and {@link io.warren.metadata.port.QueuePort}: the two lower ports
 *     the services are written over — the replicated metadata and the queues wherever they are served. A front end
 *     uses {@code QueuePort} directly only for what it does to a queue itself: consume, get, settle.</li>
 * </ul>
 *
 * Refusals are {@link io.warren.metadata.model.DomainException}s whose kind each front end maps onto its protocol
 * (AMQP reply codes, HTTP statuses, CLI exit codes); the message names the object and the reason, RabbitMQ style.
 * A {@link io.warren.metadata.port.Caller} says who asks. Futures complete on whatever thread finished the work: a
 * front end moves back onto its own threads itself.
 */
package io.warren.metadata.port;
