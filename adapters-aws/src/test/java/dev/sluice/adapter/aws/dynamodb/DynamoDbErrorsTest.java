package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TransientException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class DynamoDbErrorsTest {

    private static DynamoDbException service(int status, String code) {
        return (DynamoDbException) DynamoDbException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(code)
                        .build())
                .build();
    }

    @Test
    void throttlingServerErrorsAndIoAreTransientAndKeepTheirCause() {
        var throttled = ProvisionedThroughputExceededException.builder()
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ProvisionedThroughputExceededException")
                        .build())
                .build();
        assertThat(DynamoDbErrors.classify("PutItem", throttled))
                .isInstanceOf(TransientException.class)
                .hasCause(throttled);
        assertThat(DynamoDbErrors.classify("PutItem", service(400, "ThrottlingException")))
                .isInstanceOf(TransientException.class);
        assertThat(DynamoDbErrors.classify("PutItem", service(500, "InternalServerError")))
                .isInstanceOf(TransientException.class);
        var io = SdkClientException.create("connection reset", new IOException("reset"));
        assertThat(DynamoDbErrors.classify("GetItem", io))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("GetItem");
    }

    @Test
    void invalidRequestsAndMissingTablesArePermanent() {
        assertThat(DynamoDbErrors.classify("PutItem", service(400, "ValidationException")))
                .isInstanceOf(PermanentException.class);
        assertThat(DynamoDbErrors.classify("GetItem", service(400, "ResourceNotFoundException")))
                .isInstanceOf(PermanentException.class);
    }

    @Test
    void aCanceledTransactionIsTransientOnlyForThrottlingOrConflicts() {
        var conflict = TransactionCanceledException.builder()
                .statusCode(400)
                .cancellationReasons(
                        CancellationReason.builder().code("None").build(),
                        CancellationReason.builder().code("TransactionConflict").build())
                .build();
        var refused = TransactionCanceledException.builder()
                .statusCode(400)
                .cancellationReasons(CancellationReason.builder()
                        .code("ConditionalCheckFailed")
                        .build())
                .build();
        assertThat(DynamoDbErrors.classify("TransactWriteItems", conflict)).isInstanceOf(TransientException.class);
        assertThat(DynamoDbErrors.classify("TransactWriteItems", refused)).isInstanceOf(PermanentException.class);
    }
}
