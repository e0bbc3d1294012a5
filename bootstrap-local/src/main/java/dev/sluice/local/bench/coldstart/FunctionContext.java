package dev.sluice.local.bench.coldstart;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/**
 * The Lambda {@link Context} sluice hands its handlers outside Lambda: the local runtime's pollers and HTTP server (a
 * fresh request id per invocation) and the cold-start probe. It depends only on the Lambda core jar and lives in the
 * probe's package, because the probe runs on nothing but a Lambda zip's classpath and this package.
 */
public final class FunctionContext implements Context {
    private final String functionName;
    private final String requestId;
    private final String logStream;
    private final long deadline;

    public FunctionContext(String functionName, String requestId, String logStream, long timeoutMillis) {
        this.functionName = functionName;
        this.requestId = requestId;
        this.logStream = logStream;
        this.deadline = System.currentTimeMillis() + timeoutMillis;
    }

    /** One invocation of the local runtime: a request id of its own. */
    public static FunctionContext local(String functionName, long timeoutMillis) {
        return new FunctionContext(functionName, java.util.UUID.randomUUID().toString(), "local", timeoutMillis);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return logStream;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.err.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.err.print(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
