package dev.sluice.bootstrap.dispatcher;

import java.util.Map;

/** What the HTTP API answers: a status, a JSON body and headers. */
record HttpResponse(int status, Object body, Map<String, String> headers) {
    static HttpResponse json(int status, Object body) {
        return new HttpResponse(status, body, Map.of());
    }

    static HttpResponse error(int status, String code, String message) {
        return json(status, new ApiError(code, message, null));
    }

    static HttpResponse fieldError(int status, String code, String field, String message) {
        return json(status, new ApiError(code, message, field));
    }

    /** The body of every error: a code a program can switch on, a message a person can act on. */
    record ApiError(String error, String message, String field) {}
}
