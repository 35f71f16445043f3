package io.warren.amqp.error;

/** AMQP reply codes with the scope they close: a channel exception or a connection exception. */
public enum ReplyCode {
    CONTENT_TOO_LARGE(311, Scope.CHANNEL),
    NO_ROUTE(312, Scope.CHANNEL),
    NO_CONSUMERS(313, Scope.CHANNEL),
    ACCESS_REFUSED(403, Scope.CHANNEL),
    NOT_FOUND(404, Scope.CHANNEL),
    RESOURCE_LOCKED(405, Scope.CHANNEL),
    PRECONDITION_FAILED(406, Scope.CHANNEL),
    CONNECTION_FORCED(320, Scope.CONNECTION),
    INVALID_PATH(402, Scope.CONNECTION),
    FRAME_ERROR(501, Scope.CONNECTION),
    SYNTAX_ERROR(502, Scope.CONNECTION),
    COMMAND_INVALID(503, Scope.CONNECTION),
    CHANNEL_ERROR(504, Scope.CONNECTION),
    UNEXPECTED_FRAME(505, Scope.CONNECTION),
    RESOURCE_ERROR(506, Scope.CONNECTION),
    NOT_ALLOWED(530, Scope.CONNECTION),
    NOT_IMPLEMENTED(540, Scope.CONNECTION),
    INTERNAL_ERROR(541, Scope.CONNECTION);

    public enum Scope { CHANNEL, CONNECTION }

    private final int code;
    private final Scope scope;

    ReplyCode(int code, Scope scope) {
        this.code = code;
        this.scope = scope;
    }

    public int code() { return code; }

    public Scope scope() { return scope; }

    /** RabbitMQ prefixes reply texts with the code's name: "NOT_FOUND - no queue 'q' in vhost '/'". */
    public String text(String detail) { return name() + " - " + detail; }
}
