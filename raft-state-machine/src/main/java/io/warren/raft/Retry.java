package io.warren.raft;

import io.warren.metadata.model.DomainException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way this node tries something again: an attempt that fails for a reason worth retrying (the queue's
 * leader moved, a majority is still electing) is made again after a pause, the pause doubling up to a ceiling,
 * until the deadline; then the last failure is the answer. Never blocks a thread while it waits.
 */
final class Retry {
    private Retry() { }

    /**
     * Runs {@code attempt} until it succeeds, fails with something {@code retryable} rejects, or {@code deadlineMs}
     * (wall clock; {@code Long.MAX_VALUE}: no deadline) has passed. Pauses start at {@code pauseMs} and double up
     * to {@code pauseMaxMs}.
     */
    static <T> CompletableFuture<T> until(long deadlineMs, long pauseMs, long pauseMaxMs, Supplier<CompletableFuture<T>> attempt,
                                         Predicate<Throwable> retryable) {
        CompletableFuture<T> first = attempt(attempt);
        if (first.isDone() && !first.isCompletedExceptionally()) return first; // the common case, on every queue operation
        CompletableFuture<T> result = new CompletableFuture<>();
        settle(first, deadlineMs, pauseMs, pauseMaxMs, attempt, retryable, result);
        return result;
    }

    private static <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> attempt) {
        try {
            return attempt.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> void settle(CompletableFuture<T> f, long deadlineMs, long pauseMs, long pauseMaxMs,
                                   Supplier<CompletableFuture<T>> attempt, Predicate<Throwable> retryable, CompletableFuture<T> result) {
        f.whenComplete((v, err) -> {
            if (err == null) {
                result.complete(v);
                return;
            }
            Throwable c = unwrap(err);
            if (System.currentTimeMillis() < deadlineMs && retryable.test(c)) {
                long next = Math.min(pauseMaxMs, pauseMs * 2);
                CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS)
                        .execute(() -> settle(attempt(attempt), deadlineMs, next, pauseMaxMs, attempt, retryable, result));
            } else {
                result.completeExceptionally(c);
            }
        });
    }

    /** The failure inside a CompletionException (what a dependent stage of a future sees). */
    static Throwable unwrap(Throwable err) {
        while (err instanceof CompletionException && err.getCause() != null) err = err.getCause();
        return err;
    }

    /** A failure that says the queue (or group) could not be reached — worth trying again elsewhere — not that it refused. */
    static boolean unreachable(Throwable c) {
        return !(c instanceof DomainException d) || d.kind() == DomainException.Kind.UNAVAILABLE;
    }
}
