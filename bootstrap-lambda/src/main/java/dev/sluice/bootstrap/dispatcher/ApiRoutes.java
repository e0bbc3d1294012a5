package dev.sluice.bootstrap.dispatcher;

import java.util.List;

/**
 * Every route of the API as API Gateway keys them: what the dispatcher answers and what a stack deploys (the
 * Pulumi program's list is held to this one by a test). The console answers every other path.
 */
public final class ApiRoutes {
    public static final List<String> ALL = List.of(
            "POST /v1/jobs",
            "POST /v1/batches",
            "GET /v1/jobs/{id}",
            "GET /v1/jobs/{id}/trace",
            "POST /v1/jobs/{id}/retry",
            "GET /v1/batches/{id}",
            "POST /v1/documents",
            "GET /v1/usage");

    private ApiRoutes() {}
}
