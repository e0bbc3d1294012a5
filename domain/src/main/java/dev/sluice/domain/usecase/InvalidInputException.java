package dev.sluice.domain.usecase;

/**
 * A request sluice refuses, with the field at fault and a message a person understands. {@link #tooLarge()} tells
 * a size limit from other mistakes (HTTP 413 rather than 400).
 */
public final class InvalidInputException extends RuntimeException {
    private final String field;
    private final boolean tooLarge;

    public InvalidInputException(String field, String message, boolean tooLarge) {
        super(field + ": " + message);
        this.field = field;
        this.tooLarge = tooLarge;
    }

    public static InvalidInputException invalid(String field, String message) {
        return new InvalidInputException(field, message, false);
    }

    public static InvalidInputException tooLarge(String field, String message) {
        return new InvalidInputException(field, message, true);
    }

    public String field() {
        return field;
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
