package io.warren.ops.http;

import io.warren.metadata.model.DomainException;

/** A refusal with its HTTP status and RabbitMQ's error type ({@code bad_request}, {@code not_found}, {@code not_authorised}). */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String reason) {
        super(reason);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String reason) { return new ApiException(400, "bad_request", reason); }

    public static ApiException notFound() { return new ApiException(404, "not_found", "Not Found"); }

    public static ApiException notAuthorised(String reason) { return new ApiException(401, "not_authorised", reason); }

    public ApiResponse response() { return ApiResponse.error(status, error, getMessage()); }

    /** Any failure as RabbitMQ's API would answer it. */
    public static ApiResponse toResponse(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) t = t.getCause();
        if (t instanceof ApiException a) return a.response();
        if (t instanceof DomainException d) {
            return switch (d.kind()) {
                case NOT_FOUND -> ApiResponse.error(404, "not_found", d.getMessage());
                case ACCESS_REFUSED -> ApiResponse.error(401, "not_authorised", "Access refused.");
                case UNAVAILABLE -> ApiResponse.error(503, "service_unavailable", d.getMessage());
                case RESOURCE_LOCKED -> ApiResponse.error(405, "resource_locked", d.getMessage());
                case INTERNAL -> ApiResponse.error(500, "internal_server_error", d.getMessage());
                default -> ApiResponse.error(400, "bad_request", d.getMessage());
            };
        }
        return ApiResponse.error(500, "internal_server_error", String.valueOf(t));
    }
}
