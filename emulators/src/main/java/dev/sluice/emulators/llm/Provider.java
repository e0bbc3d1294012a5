package dev.sluice.emulators.llm;

/** The wire formats the simulator speaks. */
public enum Provider {
    OPENAI,
    ANTHROPIC,
    BEDROCK,
    GEMINI,
    OLLAMA
}
