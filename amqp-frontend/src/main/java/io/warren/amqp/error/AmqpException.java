package io.warren.amqp.error;

import io.warren.metadata.model.DomainException;

/**
 * A protocol error: closes the channel or the connection, as its code's scope says, in exactly one place
 * (the connection handler). {@code classId}/{@code methodId} name the method that failed, 0 when none.
 */
public final class AmqpException extends RuntimeException {
    private final ReplyCode code;
    private int classId;
    private int methodId;

    public AmqpException(ReplyCode code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    public ReplyCode code() { return code; }

    public int classId() { return classId; }

    public int methodId() { return methodId; }

    /** Attaches the failing method, unless one is already named. */
    public AmqpException during(int classId, int methodId) {
        if (this.classId == 0) {
            this.classId = classId;
            this.methodId = methodId;
        }
        return this;
    }

    public String replyText() { return code.text(getMessage()); }

    public static AmqpException of(ReplyCode code, String detail) { return new AmqpException(code, detail); }

    /** The one mapping of domain refusals onto AMQP reply codes. */
    public static AmqpException from(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof AmqpException a) return a;
        if (c instanceof DomainException d) {
            ReplyCode code = switch (d.kind()) {
                case NOT_FOUND -> ReplyCode.NOT_FOUND;
                case PRECONDITION_FAILED, INVALID_ARGUMENT -> ReplyCode.PRECONDITION_FAILED;
                case RESOURCE_LOCKED -> ReplyCode.RESOURCE_LOCKED;
                case ACCESS_REFUSED -> ReplyCode.ACCESS_REFUSED;
                case NOT_ALLOWED -> ReplyCode.NOT_ALLOWED;
                case NOT_IMPLEMENTED -> ReplyCode.NOT_IMPLEMENTED;
                case RESOURCE_ERROR -> ReplyCode.RESOURCE_ERROR;
                case UNAVAILABLE, INTERNAL -> ReplyCode.INTERNAL_ERROR;
                case MALFORMED_INPUT -> ReplyCode.SYNTAX_ERROR;
            };
            return new AmqpException(code, d.getMessage());
        }
        return new AmqpException(ReplyCode.INTERNAL_ERROR, "internal error: " + c);
    }
}
