package io.warren.metadata.command;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;

import java.util.List;

/** The deterministic outcome of applying a command. */
public sealed interface CommandResult {
    record Ok() implements CommandResult { }

    /** A queue declare: the record now in force, and whether this command created it. */
    record QueueDeclared(QueueRecord queue, boolean created) implements CommandResult { }

    /** Queues removed by the command (deleted, exclusive owner gone, node restarted). */
    record QueuesDeleted(List<QueueRecord> queues) implements CommandResult { }

    record Refused(DomainException.Kind kind, String message) implements CommandResult {
        public DomainException toException() { return new DomainException(kind, message); }
    }

    CommandResult OK = new Ok();
}
