package io.warren.metadata.model;

/**
 * A refusal in the broker's own terms. The front end maps each kind onto its protocol's codes and scope;
 * the message already names the object and the reason, RabbitMQ style.
 */
public final class DomainException extends RuntimeException {
    public enum Kind {
        NOT_FOUND, PRECONDITION_FAILED, RESOURCE_LOCKED, ACCESS_REFUSED, NOT_ALLOWED, INVALID_ARGUMENT,
        NOT_IMPLEMENTED, RESOURCE_ERROR, UNAVAILABLE, INTERNAL
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
