package dev.sluice.domain.config;

/** A configuration that cannot work, with the path of the offending field (e.g. {@code pipelines.rag.steps[1].model}). */
public final class ConfigException extends RuntimeException {
    private final String field;

    public ConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
