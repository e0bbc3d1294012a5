package dev.sluice.adapter.llm.archviolation;

import dev.sluice.bootstrap.processor.archviolation.AdapterTouchingHandler;

/** Deliberately breaks the rules: an adapter depending on bootstrap code. */
public final class AdapterReachingIntoBootstrap {
    public Object handler() {
        return new AdapterTouchingHandler();
    }
}
