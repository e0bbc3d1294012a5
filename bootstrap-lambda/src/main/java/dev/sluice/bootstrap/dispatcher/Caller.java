package dev.sluice.bootstrap.dispatcher;

import dev.sluice.domain.model.TenantId;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Who is calling: the tenant they act for, and what they may do. */
record Caller(TenantId tenant, Set<Scope> scopes) {

    /** What a caller may do; each route needs one. The names are OAuth scopes, as an identity provider issues them. */
    enum Scope {
        /** Submit jobs and batches, and retry a failed job. */
        JOBS_WRITE("sluice/jobs.write"),
        /** Read the caller's own jobs, batches and hop summaries. */
        JOBS_READ("sluice/jobs.read"),
        /** Ingest and delete the caller's own documents. */
        DOCUMENTS_WRITE("sluice/documents.write"),
        /** Read any job's full trace: rendered prompts, retrieved chunks, raw responses. */
        OPERATOR("sluice/operator");

        final String oauthName;

        Scope(String oauthName) {
            this.oauthName = oauthName;
        }

        static Optional<Scope> named(String name) {
            for (Scope s : values()) {
                if (s.oauthName.equals(name)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /** What a tenant's own caller may do: everything but the operator's routes. */
    static final Set<Scope> TENANT = EnumSet.of(Scope.JOBS_WRITE, Scope.JOBS_READ, Scope.DOCUMENTS_WRITE);

    Caller {
        Objects.requireNonNull(tenant, "'tenant' must not be null");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    boolean may(Scope scope) {
        return scopes.contains(scope);
    }
}
