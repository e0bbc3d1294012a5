package dev.sluice.domain.archviolation;

/** Deliberately breaks the rules: a domain class reading the environment. */
public final class DomainReadingEnvironment {
    public String region() {
        return System.getenv("AWS_REGION");
    }
}
