package dev.sluice.bootstrap.processor.archviolation;

import dev.sluice.adapter.retrieval.archviolation.OtherAdapter;

/** Deliberately breaks the rules: a handler that builds an adapter itself instead of using a use case. */
public final class AdapterTouchingHandler {
    public String handle() {
        return new OtherAdapter().name();
    }
}
