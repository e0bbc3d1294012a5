package dev.sluice.adapter.aws.codec;

/** A JSON document that is not a valid sluice record; the message names the field and what is wrong with it. */
public final class MalformedJsonException extends IllegalArgumentException {
    public MalformedJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
