package dev.sluice.bootstrap.dispatcher;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sluice.bootstrap.console.Console;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.IngestDocuments;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.QueryJob;
import dev.sluice.domain.usecase.QueryUsage;
import dev.sluice.domain.usecase.RetryJob;
import dev.sluice.domain.usecase.SubmissionIncompleteException;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The HTTP API of sluice: routes, request parsing, and errors a person understands. Never a 500 for bad input. */
final class HttpApi {
    private static final Logger LOG = LogManager.getLogger(HttpApi.class);
    private static final Pattern JOB = Pattern.compile("/v1/jobs/([A-Za-z0-9_-]{1,64})");
    private static final Pattern TRACE = Pattern.compile("/v1/jobs/([A-Za-z0-9_-]{1,64})/trace");
    private static final Pattern RETRY = Pattern.compile("/v1/jobs/([A-Za-z0-9_-]{1,64})/retry");
    private static final Pattern BATCH = Pattern.compile("/v1/batches/([A-Za-z0-9_-]{1,64})");
    private static final Set<String> USAGE_PARAMETERS = Set.of("from", "to", "tenant");
    /** Lambda's limit on a synchronous invocation's payload (6 MB), counted in UTF-8 bytes of the body. */
    static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    /**
     * Request bodies are one JSON value and nothing after it, with each field once: a second {@code "pipeline"} or
     * a trailing {@code x} is a mistake to report, not something to guess about.
     */
    private static final ObjectReader BODY = Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private final SubmitJob submitJob;
    private final SubmitBatch submitBatch;
    private final QueryJob query;
    private final QueryUsage usage;
    private final IngestDocuments ingest;
    private final RetryJob retry;
    private final Optional<Console> console;

    HttpApi(
            SubmitJob submitJob,
            SubmitBatch submitBatch,
            QueryJob query,
            QueryUsage usage,
            IngestDocuments ingest,
            RetryJob retry) {
        this(submitJob, submitBatch, query, usage, ingest, retry, Optional.empty());
    }

    HttpApi(
            SubmitJob submitJob,
            SubmitBatch submitBatch,
            QueryJob query,
            QueryUsage usage,
            IngestDocuments ingest,
            RetryJob retry,
            Optional<Console> console) {
        this.console = console;
        this.submitJob = submitJob;
        this.submitBatch = submitBatch;
        this.query = query;
        this.usage = usage;
        this.ingest = ingest;
        this.retry = retry;
    }

    HttpResponse handle(HttpRequest request, CorrelationId correlationId) {
        try {
            if (request.caller().isEmpty()) {
                return HttpResponse.error(
                        401, "unauthenticated", "no caller identity: call through the API's authorizer");
            }
            return route(request, request.caller().get(), correlationId);
        } catch (InvalidInputException e) {
            return HttpResponse.fieldError(
                    e.tooLarge() ? 413 : 400,
                    e.tooLarge() ? "too_large" : "invalid_request",
                    e.field(),
                    e.getMessage());
        } catch (IdempotencyConflictException e) {
            return HttpResponse.error(409, "idempotency_conflict", e.getMessage());
        } catch (SubmissionIncompleteException e) {
            // Its message says what was queued and what the caller can do; the dependency's own words stay in the log.
            LOG.warn("a batch was cut short", e);
            return e.retryable()
                    ? HttpResponse.error(503, "unavailable", e.getMessage() + " (correlation id " + correlationId + ")")
                    : HttpResponse.error(500, "internal", e.getMessage() + " (correlation id " + correlationId + ")");
        } catch (TransientException | ThrottledException e) {
            LOG.warn("a dependency is unavailable", e);
            return HttpResponse.error(
                    503,
                    "unavailable",
                    "sluice could not reach a dependency; retry with the same" + " idempotency key (correlation id "
                            + correlationId + ")");
        } catch (PermanentException e) {
            // A missing queue or table, denied access, a stored trace that cannot be read: input a dependency would
            // refuse is refused by validation before anything is written, so this is sluice's fault. Its text names
            // resources and accounts; it goes to the log, the caller gets the correlation id to quote.
            LOG.error("a dependency refused the request", e);
            return internal(correlationId);
        } catch (RuntimeException e) {
            // A defect: nothing the caller did.
            LOG.error("request failed", e);
            return internal(correlationId);
        }
    }

    private static HttpResponse internal(CorrelationId correlationId) {
        return HttpResponse.error(
                500, "internal", "sluice failed to handle the request; quote correlation id " + correlationId);
    }

    private HttpResponse route(HttpRequest r, Caller caller, CorrelationId correlationId) {
        String path = r.path().endsWith("/") && r.path().length() > 1
                ? r.path().substring(0, r.path().length() - 1)
                : r.path();
        TenantId tenant = caller.tenant();
        if (console.isPresent() && Console.serves(path)) {
            return console(r, caller, path);
        }
        Matcher m;
        if (path.equals("/v1/jobs")) {
            return allowed(r, "POST", caller, Caller.Scope.JOBS_WRITE)
                    .orElseGet(() -> submitJob(r, tenant, correlationId));
        }
        if (path.equals("/v1/batches")) {
            return allowed(r, "POST", caller, Caller.Scope.JOBS_WRITE)
                    .orElseGet(() -> submitBatch(r, tenant, correlationId));
        }
        if (path.equals("/v1/documents")) {
            return allowed(r, "POST", caller, Caller.Scope.DOCUMENTS_WRITE)
                    .orElseGet(() -> ingest(r, tenant, correlationId));
        }
        if (path.equals("/v1/usage")) {
            return allowed(r, "GET", caller, Caller.Scope.JOBS_READ).orElseGet(() -> usage(r, caller));
        }
        if ((m = TRACE.matcher(path)).matches()) {
            JobId id = new JobId(m.group(1));
            return allowed(r, "GET", caller, Caller.Scope.OPERATOR).orElseGet(() -> trace(id));
        }
        if ((m = RETRY.matcher(path)).matches()) {
            JobId id = new JobId(m.group(1));
            return allowed(r, "POST", caller, Caller.Scope.JOBS_WRITE).orElseGet(() -> retry(tenant, id));
        }
        if ((m = JOB.matcher(path)).matches()) {
            JobId id = new JobId(m.group(1));
            return allowed(r, "GET", caller, Caller.Scope.JOBS_READ).orElseGet(() -> job(tenant, id));
        }
        if ((m = BATCH.matcher(path)).matches()) {
            BatchId id = new BatchId(m.group(1));
            return allowed(r, "GET", caller, Caller.Scope.JOBS_READ).orElseGet(() -> batch(tenant, id));
        }
        return HttpResponse.error(
                404,
                "not_found",
                "no route " + r.method() + " " + r.path() + " (routes: " + String.join(", ", ApiRoutes.ALL) + ")");
    }

    /**
     * The operator's console: every path outside {@code /v1}, for callers with the operator scope. Its one POST (a
     * redrive) is taken from a page of its own origin or from a client that sends no Origin (a script holding the
     * operator's token; a browser cannot attach that token to a cross-site form).
     */
    private HttpResponse console(HttpRequest r, Caller caller, String path) {
        if (!caller.may(Caller.Scope.OPERATOR)) {
            return HttpResponse.error(
                    403,
                    "forbidden",
                    "the console needs the scope " + Caller.Scope.OPERATOR.oauthName + ", which the caller lacks");
        }
        Optional<String> origin = r.header("origin");
        boolean ownPage = origin.isEmpty()
                || r.header("host")
                        .map(host -> origin.get().equals("https://" + host))
                        .orElse(false);
        Console.Response answer = console.get().answer(r.method(), path, r.rawQuery(), ownPage);
        Map<String, String> headers = new java.util.LinkedHashMap<>(Console.SECURITY_HEADERS);
        headers.putAll(answer.headers());
        return HttpResponse.page(answer.status(), answer.contentType(), answer.body(), headers);
    }

    /** A 405 for another method, a 403 naming the scope the caller lacks; empty when the route may run. */
    private static Optional<HttpResponse> allowed(HttpRequest r, String method, Caller caller, Caller.Scope scope) {
        if (!r.method().equals(method)) {
            return Optional.of(notAllowed(method));
        }
        if (!caller.may(scope)) {
            String hint = scope == Caller.Scope.OPERATOR
                    ? "; a job's own hops (models, tokens, cost, timings) are in GET /v1/jobs/{id}"
                    : "";
            return Optional.of(HttpResponse.error(
                    403,
                    "forbidden",
                    "this route needs the scope " + scope.oauthName + ", which the caller lacks" + hint));
        }
        return Optional.empty();
    }

    private HttpResponse submitJob(HttpRequest r, TenantId tenant, CorrelationId correlationId) {
        JsonNode body = body(r);
        SubmitJob.Result result = submitJob.submit(new SubmitJob.Command(
                tenant,
                text(body, "pipeline"),
                Fields.strings(body.get("input"), "input"),
                idempotencyKey(r, body),
                correlationId,
                Fields.priority(body, "priority", "priority", Priority.INTERACTIVE),
                Fields.mode(body, "mode", "mode", Mode.LIVE),
                Fields.deadline(body, "deadline", "deadline")));
        return switch (result) {
            case SubmitJob.Result.Accepted a -> HttpResponse.json(202, Views.accepted(a.job()));
            case SubmitJob.Result.Duplicate d -> HttpResponse.json(200, Views.job(d.job()));
            case SubmitJob.Result.Conflict c -> HttpResponse.error(409, "idempotency_conflict", c.message());
        };
    }

    private HttpResponse submitBatch(HttpRequest r, TenantId tenant, CorrelationId correlationId) {
        JsonNode body = body(r);
        JsonNode items = body.get("items");
        if (items == null || !items.isArray()) {
            throw InvalidInputException.invalid("items", "must be a list of inputs, e.g. [{\"question\": \"...\"}]");
        }
        List<Map<String, String>> inputs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            inputs.add(Fields.strings(items.get(i), "items[" + i + "]"));
        }
        Batch batch = submitBatch.submit(new SubmitBatch.Command(
                tenant,
                text(body, "pipeline"),
                inputs,
                idempotencyKey(r, body),
                correlationId,
                Fields.priority(body, "priority", "priority", Priority.BATCH),
                Fields.mode(body, "mode", "mode", Mode.LIVE),
                Fields.deadline(body, "deadline", "deadline")));
        return HttpResponse.json(202, Views.batch(batch));
    }

    private HttpResponse ingest(HttpRequest r, TenantId tenant, CorrelationId correlationId) {
        JsonNode body = body(r);
        List<JsonNode> docs = Fields.list(body, "documents", "documents");
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            String path = "documents[" + i + "]";
            JsonNode d = Fields.object(docs.get(i), path);
            Map<String, String> metadata =
                    d.hasNonNull("metadata") ? Fields.strings(d.get("metadata"), path + ".metadata") : Map.of();
            try {
                documents.add(new Document(
                        Fields.text(d, "id", path + ".id"),
                        Fields.optionalText(d, "contentType", path + ".contentType")
                                .orElse("text/plain"),
                        Fields.text(d, "text", path + ".text"),
                        metadata));
            } catch (IllegalArgumentException e) {
                // Only the id has a rule of its own in the record (its length).
                throw InvalidInputException.invalid(path + ".id", e.getMessage());
            }
        }
        List<JsonNode> delete = Fields.list(body, "delete", "delete");
        List<String> deletions = new ArrayList<>();
        for (int i = 0; i < delete.size(); i++) {
            deletions.add(Fields.element(delete.get(i), "delete[" + i + "]"));
        }
        ingest.enqueue(new IngestRequest(tenant, correlationId, text(body, "index"), documents, deletions));
        return HttpResponse.json(
                202, new Views.DocumentsAccepted(documents.size(), deletions.size(), correlationId.value()));
    }

    /**
     * What the caller's tenant spent, by pipeline, model and day, and its budget; an operator may name any tenant
     * ({@code tenant=}), a tenant's own caller only itself.
     */
    private HttpResponse usage(HttpRequest r, Caller caller) {
        Map<String, String> query = r.query();
        for (String name : query.keySet()) {
            if (!USAGE_PARAMETERS.contains(name)) {
                throw InvalidInputException.invalid(
                        name, "is not a parameter of GET /v1/usage (it takes from, to and, for operators, tenant)");
            }
        }
        TenantId tenant = caller.tenant();
        Optional<String> named = Optional.ofNullable(query.get("tenant"));
        if (named.isPresent() && !named.get().equals(tenant.value())) {
            if (!caller.may(Caller.Scope.OPERATOR)) {
                return HttpResponse.error(
                        403,
                        "forbidden",
                        "only an operator (scope " + Caller.Scope.OPERATOR.oauthName
                                + ") may read another tenant's usage; leave out 'tenant' for your own");
            }
            try {
                tenant = new TenantId(named.get());
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("tenant", e.getMessage());
            }
        }
        return HttpResponse.json(200, Views.usage(usage.usage(tenant, date(query, "from"), date(query, "to"))));
    }

    private static Optional<LocalDate> date(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value));
        } catch (DateTimeParseException e) {
            throw InvalidInputException.invalid(
                    name, "must be a UTC day like 2026-12-01 (got '" + shortened(value) + "')");
        }
    }

    private static String shortened(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }

    private HttpResponse job(TenantId tenant, JobId id) {
        return query.job(tenant, id)
                .map(job -> HttpResponse.json(200, Views.job(job)))
                .orElseGet(() -> notFound("job", id.value()));
    }

    /** Only the job's own tenant may retry it; anyone else sees no such job. */
    private HttpResponse retry(TenantId tenant, JobId id) {
        if (query.job(tenant, id).isEmpty()) {
            return notFound("job", id.value());
        }
        RetryJob.Result result = retry.retry(id);
        String outcome = switch (result) {
            case RetryJob.Result.Reopened r -> "reopened";
            case RetryJob.Result.Resent r -> "requeued";
            case RetryJob.Result.AlreadySucceeded r -> "already_succeeded";
            case RetryJob.Result.Missing r -> "missing";
        };
        return HttpResponse.json(
                result instanceof RetryJob.Result.Missing ? 404 : 200,
                new Views.RetryOutcome(id.value(), outcome, result.describe()));
    }

    /** The full trace (rendered prompts, chunks, raw responses) of any job: an operator route. */
    private HttpResponse trace(JobId id) {
        return query.traceForOperator(id)
                .map(hops -> HttpResponse.json(200, Views.operatorTrace(id, hops)))
                .orElseGet(() -> notFound("job", id.value()));
    }

    private HttpResponse batch(TenantId tenant, BatchId id) {
        return query.batch(tenant, id)
                .map(b -> HttpResponse.json(200, Views.batch(b)))
                .orElseGet(() -> notFound("batch", id.value()));
    }

    private static HttpResponse notFound(String what, String id) {
        return HttpResponse.error(404, "not_found", "no " + what + " " + id + " for this caller");
    }

    private static HttpResponse notAllowed(String allowed) {
        return new HttpResponse(
                405, new HttpResponse.ApiError("method_not_allowed", "use " + allowed, null), Map.of("Allow", allowed));
    }

    private static JsonNode body(HttpRequest r) {
        if (r.body() == null || r.body().isBlank()) {
            throw InvalidInputException.invalid("body", "is empty; send a JSON object");
        }
        long bytes = utf8Length(r.body(), MAX_BODY_BYTES + 1L);
        if (bytes > MAX_BODY_BYTES) {
            throw InvalidInputException.tooLarge(
                    "body", "is larger than " + MAX_BODY_BYTES + " bytes (6 MiB of UTF-8), the most one request takes");
        }
        try (JsonParser parser = BODY.createParser(r.body())) {
            JsonNode node = BODY.readTree(parser);
            if (node == null || node.isMissingNode() || !node.isObject()) {
                throw InvalidInputException.invalid("body", "must be a JSON object");
            }
            boolean more;
            try {
                more = parser.nextToken() != null;
            } catch (JsonProcessingException e) {
                more = true;
            }
            if (more) {
                throw InvalidInputException.invalid(
                        "body", "has more after its JSON object; send one JSON object and nothing else");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw beyondReaderLimits(e);
        } catch (JsonProcessingException e) {
            throw InvalidInputException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // Reading a String fails only as JSON does; this is for the compiler.
            throw InvalidInputException.invalid("body", "is not valid JSON");
        }
    }

    /** Jackson's limits (nesting, number and name lengths, string length), said as the caller's mistake. */
    static InvalidInputException beyondReaderLimits(StreamConstraintsException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.contains("nesting depth")) {
            return InvalidInputException.invalid("body", "nests objects or lists more than 1000 levels deep");
        }
        if (m.contains("Number value length")) {
            return InvalidInputException.invalid("body", "holds a number longer than 1000 digits");
        }
        if (m.contains("Name length")) {
            return InvalidInputException.invalid("body", "holds a field name longer than 50000 characters");
        }
        if (m.contains("String value length") || m.contains("Document length") || m.contains("Token count")) {
            return InvalidInputException.tooLarge("body", "holds more than sluice reads in one request");
        }
        return InvalidInputException.invalid("body", "is beyond what sluice's JSON reader accepts");
    }

    /**
     * The UTF-8 size of {@code text}, counting no further than {@code stop}: a body is limited in bytes, and a
     * character may take up to four of them.
     */
    static long utf8Length(String text, long stop) {
        long bytes = 0;
        for (int i = 0; i < text.length() && bytes < stop; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String text(JsonNode node, String field) {
        return Fields.text(node, field, field);
    }

    /** The header, else the body's field; the field's type is checked either way (JSON null is no key). */
    private static Optional<String> idempotencyKey(HttpRequest r, JsonNode body) {
        Optional<String> inBody = Fields.optionalText(body, "idempotencyKey", "idempotencyKey");
        return r.header("idempotency-key").or(() -> inBody);
    }
}
