package dev.sluice.local.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The dated AWS list prices {@code ./sluice bench cost} multiplies by, from the committed resource
 * {@code bench/aws-prices.properties} (each price there names its pricing page). All in USD.
 */
record PriceTable(
        String date,
        String region,
        double lambdaGbSecond,
        double lambdaRequest,
        double sqsRequest,
        long sqsChunkBytes,
        double dynamoWriteUnit,
        double dynamoReadUnit,
        double s3Put,
        double s3Get,
        double s3GbMonth,
        double eventBridgeEvent,
        double apiGatewayRequest,
        double logsIngestedGb,
        double metricMonth,
        double fargateVcpuHour,
        double fargateGbHour) {

    static final String RESOURCE = "bench/aws-prices.properties";

    static PriceTable load() {
        Properties p = new Properties();
        try (InputStream in = PriceTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PriceTable(
                text(p, "prices.date"),
                text(p, "prices.region"),
                number(p, "lambda.gbSecond"),
                number(p, "lambda.request"),
                number(p, "sqs.request"),
                (long) number(p, "sqs.chunkBytes"),
                number(p, "dynamodb.writeRequestUnit"),
                number(p, "dynamodb.readRequestUnit"),
                number(p, "s3.putRequest"),
                number(p, "s3.getRequest"),
                number(p, "s3.gbMonth"),
                number(p, "eventbridge.event"),
                number(p, "apigateway.httpRequest"),
                number(p, "cloudwatch.logsIngestedGb"),
                number(p, "cloudwatch.metricMonth"),
                number(p, "fargate.vcpuHour"),
                number(p, "fargate.gbHour"));
    }

    private static String text(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(RESOURCE + ": '" + key + "' is missing");
        }
        return value.trim();
    }

    private static double number(Properties p, String key) {
        try {
            return Double.parseDouble(text(p, key));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(RESOURCE + ": '" + key + "' is not a number", e);
        }
    }

    /** A Fargate task of {@code cpuUnits} (1024 = 1 vCPU) and {@code memoryMb}, per hour. */
    double fargateTaskHour(int cpuUnits, int memoryMb) {
        return cpuUnits / 1024.0 * fargateVcpuHour + memoryMb / 1024.0 * fargateGbHour;
    }
}
