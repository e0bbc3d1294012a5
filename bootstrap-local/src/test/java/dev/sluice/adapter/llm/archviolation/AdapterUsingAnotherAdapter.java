package dev.sluice.adapter.llm.archviolation;

import dev.sluice.adapter.retrieval.archviolation.OtherAdapter;

/** Deliberately breaks the rules: an LLM adapter using a retrieval adapter. */
public final class AdapterUsingAnotherAdapter {
    public String use(OtherAdapter other) {
        return other.name();
    }
}
