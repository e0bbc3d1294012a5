package dev.sluice.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The price table a user is asked to trust: dated, and every price under the AWS pricing page it comes from. */
class PriceTableTest {
    @Test
    void everyPriceNamesItsPublicAwsPricingPage() throws IOException {
        List<String> lines;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PriceTable.RESOURCE)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        }
        String lastSource = null;
        int prices = 0;
        for (String line : lines) {
            if (line.startsWith("# https://aws.amazon.com/")) {
                lastSource = line;
            } else if (line.isBlank()) {
                lastSource = null;
            } else if (!line.startsWith("#") && !line.startsWith("prices.")) {
                assertThat(lastSource).as("the source page of " + line).isNotNull();
                prices++;
            }
        }
        assertThat(prices).isGreaterThanOrEqualTo(15);
    }

    @Test
    void theTableIsDatedAndEveryPriceReads() {
        PriceTable table = PriceTable.load();
        assertThat(LocalDate.parse(table.date())).isBeforeOrEqualTo(LocalDate.now());
        assertThat(table.region()).isEqualTo("us-east-1");
        assertThat(table.lambdaGbSecond()).isPositive();
        assertThat(table.sqsChunkBytes()).isEqualTo(64 * 1024);
        // One task of 1 vCPU and 2 GB: the arithmetic the Fargate crossover rests on.
        assertThat(table.fargateTaskHour(1024, 2048)).isEqualTo(table.fargateVcpuHour() + 2 * table.fargateGbHour());
    }
}
