package io.warren.metadata.command;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;

import java.util.List;

/** The deterministic outcome of applying a command. */
public sealed interface CommandResult {
    /** Which result: its tag in encoded results (stable codes). */
    enum Kind implements io.warren.metadata.codec.StableCode {
        OK(0), QUEUE_DECLARED(1), QUEUES_DELETED(2), REFUSED(3);

        private final int code;
        private static final Kind[] BY_CODE = io.warren.metadata.codec.StableCode.byCode(values());

        Kind(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static Kind ofCode(int code) { return io.warren.metadata.codec.StableCode.of(BY_CODE, code); }
    }

    Kind kind();

    record Ok() implements CommandResult { public Kind kind() { return Kind.OK; } }

    /** A queue declare: the record now in force, and whether this command created it. */
    record QueueDeclared(QueueRecord queue, boolean created) implements CommandResult { public Kind kind() { return Kind.QUEUE_DECLARED; } }

    /** Queues removed by the command (deleted, exclusive owner gone, node restarted). */
    record QueuesDeleted(List<QueueRecord> queues) implements CommandResult { public Kind kind() { return Kind.QUEUES_DELETED; } }

    /** {@code reason}: the domain error's kind. */
    record Refused(DomainException.Kind reason, String message) implements CommandResult {
        public Kind kind() { return Kind.REFUSED; }

        public DomainException toException() { return new DomainException(reason, message); }
    }

    CommandResult OK = new Ok();
}
