package dev.sluice.domain.usecase;

/** An idempotency key reused for a different request (HTTP 409). */
public final class IdempotencyConflictException extends RuntimeException {
    public IdempotencyConflictException(String message) {
        super(message);
    }
}
