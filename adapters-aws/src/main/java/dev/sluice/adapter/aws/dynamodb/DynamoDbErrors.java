package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.TransientException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Classifies DynamoDB failures once, for every adapter of this package. Conditional-check failures are expected
 * outcomes and are handled where the condition is written, never here.
 */
final class DynamoDbErrors {
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "ProvisionedThroughputExceededException",
            "RequestLimitExceeded",
            "ThrottlingException",
            "LimitExceededException",
            "InternalServerError",
            "ServiceUnavailable",
            "TransactionConflictException",
            "TransactionInProgressException");
    private static final Set<String> RETRYABLE_REASONS = Set.of("ThrottlingError", "TransactionConflict");

    private DynamoDbErrors() {}

    /**
     * Throttling, 5xx and I/O failures (which the SDK has already retried with backoff) may pass later: transient.
     * Anything else (a missing table, an invalid request, an item over 400 KB) will not: permanent.
     */
    static PortException classify(String what, SdkException e) {
        String message = "DynamoDB " + what + " failed: " + e.getMessage();
        if (e instanceof SdkClientException) {
            return new TransientException(message, e);
        }
        if (e instanceof TransactionCanceledException canceled) {
            boolean retryable = canceled.hasCancellationReasons()
                    && canceled.cancellationReasons().stream()
                            .map(CancellationReason::code)
                            .anyMatch(RETRYABLE_REASONS::contains);
            return retryable ? new TransientException(message, e) : new PermanentException(message, e);
        }
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? ""
                    : String.valueOf(service.awsErrorDetails().errorCode());
            if (service.isThrottlingException() || service.statusCode() >= 500 || RETRYABLE_CODES.contains(code)) {
                return new TransientException(message, e);
            }
            return new PermanentException(message, e);
        }
        return new TransientException(message, e);
    }
}
