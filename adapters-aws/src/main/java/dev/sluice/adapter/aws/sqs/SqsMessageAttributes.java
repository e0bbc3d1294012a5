package dev.sluice.adapter.aws.sqs;

/**
 * The SQS message attributes sluice sets on every message, so that a consumer, a DLQ redrive or an operator can
 * route and correlate without parsing the body.
 */
public final class SqsMessageAttributes {
    public static final String CORRELATION_ID = "correlationId";
    public static final String TENANT = "tenant";
    /** {@code envelope} or {@code ingest}. */
    public static final String MESSAGE_TYPE = "messageType";
    /** Envelopes only. */
    public static final String JOB_ID = "jobId";
    /** Envelopes only, a Number attribute. */
    public static final String HOP = "hop";
    /** Present when the body was moved to S3: the object's key. */
    public static final String PAYLOAD_KEY = "payloadKey";
    /**
     * The W3C trace context of the span that sent the message (when tracing is on), so every hop of a job, deferred,
     * redelivered or redriven, joins the job's trace.
     */
    public static final String TRACEPARENT = "traceparent";
    /** The system attribute that counts deliveries, applied to {@code Envelope.attempt}. */
    public static final String APPROXIMATE_RECEIVE_COUNT = "ApproximateReceiveCount";

    private SqsMessageAttributes() {}
}
