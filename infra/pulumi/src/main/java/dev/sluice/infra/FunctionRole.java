package dev.sluice.infra;

import java.util.Optional;

/**
 * The functions of the runtime contract, with their handlers and the queue each one consumes. The batcher is deployed
 * only for a document in which some model has a batch route ({@link StackSettings#roles()}).
 */
enum FunctionRole {
    DISPATCHER("dispatcher", "dev.sluice.bootstrap.dispatcher.DispatcherHandler::handleRequest", Optional.empty()),
    PROCESSOR("processor", "dev.sluice.bootstrap.processor.ProcessorHandler::handleRequest", Optional.of("work")),
    FINALIZER("finalizer", "dev.sluice.bootstrap.finalizer.FinalizerHandler::handleRequest", Optional.of("finalize")),
    INGESTOR("ingestor", "dev.sluice.bootstrap.ingestor.IngestorHandler::handleRequest", Optional.of("ingest")),
    BATCHER("batcher", "dev.sluice.bootstrap.batcher.BatcherHandler::handleRequest", Optional.empty());

    private final String key;
    private final String handler;
    private final Optional<String> consumes;

    FunctionRole(String key, String handler, Optional<String> consumes) {
        this.key = key;
        this.handler = handler;
        this.consumes = consumes;
    }

    String key() {
        return key;
    }

    String handler() {
        return handler;
    }

    /** The queue this function consumes through an SQS event source mapping, if any. */
    Optional<String> consumes() {
        return consumes;
    }
}
