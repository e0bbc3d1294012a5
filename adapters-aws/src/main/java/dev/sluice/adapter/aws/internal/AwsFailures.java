package dev.sluice.adapter.aws.internal;

import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.TransientException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** Classifies an AWS SDK failure once, as the domain's port exceptions. */
public final class AwsFailures {
    private AwsFailures() {}

    /**
     * Throttling, 5xx and anything that never reached AWS (connection, timeout) may pass: transient. Any other 4xx
     * (missing bucket or queue, access denied, invalid request) will not pass by retrying: permanent.
     *
     * @param action what was attempted, e.g. {@code "send to queue sluice-work"}, for the message
     */
    public static PortException classify(String action, SdkException e) {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null
                    ? ""
                    : service.awsErrorDetails().errorCode();
            String message = "cannot " + action + ": " + status + " " + code + " " + service.getMessage();
            if (service.isThrottlingException() || status >= 500 || status == 0) {
                return new TransientException(message, e);
            }
            return new PermanentException(message, e);
        }
        return new TransientException("cannot " + action + ": " + e.getMessage(), e);
    }
}
