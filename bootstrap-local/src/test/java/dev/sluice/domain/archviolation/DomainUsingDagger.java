package dev.sluice.domain.archviolation;

/** Deliberately breaks the rules: a domain class that knows Dagger. Used only to prove the rules bite. */
public final class DomainUsingDagger {
    public dagger.Lazy<String> lazy() {
        return () -> "x";
    }
}
