package dev.sluice.adapter.retrieval.archviolation;

/** A stand-in adapter class that violating fixtures point at. */
public final class OtherAdapter {
    public String name() {
        return "other";
    }
}
