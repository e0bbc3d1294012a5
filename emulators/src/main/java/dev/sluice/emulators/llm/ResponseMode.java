package dev.sluice.emulators.llm;

/** What the simulated model answers. */
public enum ResponseMode {
    /** The last user message, verbatim. */
    ECHO,
    /** The configured script, one entry per call, cycling. */
    SCRIPTED,
    /**
     * The sentences of the prompt's numbered {@code [n] ...} context blocks that best overlap the question; when the
     * request asks for JSON, a JSON object with the fields asked for (see {@link StructuredOutput}).
     */
    EXTRACTIVE
}
