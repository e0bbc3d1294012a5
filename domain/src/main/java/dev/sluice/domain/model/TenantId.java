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

    @Override
    public String toString() {
        return value;
    }
}
