package dev.sluice.domain.model;

import java.util.regex.Pattern;

/** The tenant that owns a job; every read and write is scoped by it. */
public record TenantId(String value) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:@-]+");

    public TenantId {
        Ids.require(value, "tenant", 128);
        if (!SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "'tenant' may contain only letters, digits and . _ : @ - (got '" + value + "')");
        }
    }

    /**
     * The tenant a subject names, whatever its characters: the subject itself when it is a valid id, otherwise a
     * stable key derived from it ({@code h:} and 40 hex digits of its SHA-256), so {@code auth0|5f7c...},
     * {@code google-oauth2|1045...} or {@code CN=client,O=Example} each get a tenant of their own.
     */
    public static TenantId derive(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("'tenant' must not be empty");
        }
        if (subject.length() <= 128 && SAFE.matcher(subject).matches() && !subject.startsWith("h:")) {
            return new TenantId(subject);
        }
        return new TenantId("h:" + Hashes.sha256Hex(subject).substring(0, 40));
    }

    @Override
    public String toString() {
        return value;
    }
}
