/**
 * The broker services every front end calls — {@link io.warren.metadata.port.Publisher} ({@link RoutedPublisher}) and
 * {@link io.warren.metadata.port.Definitions} ({@link CheckedDefinitions}) — written once over the two lower ports,
 * {@link io.warren.metadata.port.MetadataPort} (the replicated metadata) and {@link io.warren.metadata.port.QueuePort}
 * (the queues, wherever they are served). What they promise is written on the interfaces. They hold no state of
 * their own: one instance per node serves every caller, each call carrying its {@link io.warren.metadata.port.Caller}.
 * They know no protocol: an AMQP channel, the HTTP API, a shovel or a dead-lettering queue calls them alike, and
 * maps the {@link io.warren.metadata.model.DomainException}s they raise onto its own codes.
 */
package io.warren.metadata.service;
