package io.warren.metadata.model;

/**
 * A refusal in the broker's own terms. The front end maps each kind onto its protocol's codes and scope;
 * the message already names the object and the reason, RabbitMQ style.
 */
public final class DomainException extends RuntimeException {
    /** What went wrong; the codes travel in refusals on the metadata log and on the link. */
    public enum Kind implements io.warren.metadata.codec.StableCode {
        NOT_FOUND(0), PRECONDITION_FAILED(1), RESOURCE_LOCKED(2), ACCESS_REFUSED(3), NOT_ALLOWED(4), INVALID_ARGUMENT(5),
        NOT_IMPLEMENTED(6), RESOURCE_ERROR(7), UNAVAILABLE(8), INTERNAL(9), MALFORMED_INPUT(10);

        private final int code;
        private static final Kind[] BY_CODE = io.warren.metadata.codec.StableCode.byCode(values());

        Kind(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static Kind ofCode(int code) { return io.warren.metadata.codec.StableCode.of(BY_CODE, code); }
    }

    private final Kind kind;

    public DomainException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() { return kind; }

    public static DomainException notFound(String what) { return new DomainException(Kind.NOT_FOUND, "no " + what); }

    public static DomainException precondition(String msg) { return new DomainException(Kind.PRECONDITION_FAILED, msg); }

    public static DomainException locked(String msg) { return new DomainException(Kind.RESOURCE_LOCKED, msg); }

    public static DomainException refused(String msg) { return new DomainException(Kind.ACCESS_REFUSED, msg); }

    public static DomainException invalid(String msg) { return new DomainException(Kind.INVALID_ARGUMENT, msg); }

    public static DomainException notAllowed(String msg) { return new DomainException(Kind.NOT_ALLOWED, msg); }
}
