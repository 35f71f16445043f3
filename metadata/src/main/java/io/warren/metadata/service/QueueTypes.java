package io.warren.metadata.service;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.GroupMode;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.port.Definitions.QueueDeclaration;

/**
 * Which type a declared queue gets: the node's default (quorum unless default_queue_type says classic) unless it is
 * exclusive, auto-delete, non-durable, server-named or asks for a type.
 */
final class QueueTypes {
    private QueueTypes() { }

    static QueueType of(String name, QueueDeclaration d, boolean serverNamed, QueueType defaultType) {
        Object t = d.arguments().get("x-queue-type");
        String requested = t == null ? null : t.toString();
        String object = "queue '" + name + "'";
        Object g = d.arguments().get(GroupMode.ARGUMENT);
        if (g != null && GroupMode.of(g) == null) {
            throw DomainException.precondition("invalid arg '" + GroupMode.ARGUMENT + "' for " + object + ": '" + g + "' (dedicated or shared)");
        }
        if (requested == null) {
            return d.durable() && !d.exclusive() && !d.autoDelete() && !serverNamed ? defaultType : QueueType.CLASSIC;
        }
        switch (requested) {
            case "classic":
                return QueueType.CLASSIC;
            case "quorum":
                if (!d.durable()) throw DomainException.precondition("invalid property 'non-durable' for " + object);
                if (d.exclusive()) throw DomainException.precondition("invalid property 'exclusive-owner' for " + object);
                if (d.autoDelete()) throw DomainException.precondition("invalid property 'auto-delete' for " + object);
                if (serverNamed) throw DomainException.precondition("invalid property 'server-named' for " + object);
                return QueueType.QUORUM;
            default:
                throw DomainException.precondition("invalid arg 'x-queue-type' for " + object + ": queue type '" + requested
                        + "' is not supported (quorum or classic)");
        }
    }
}
