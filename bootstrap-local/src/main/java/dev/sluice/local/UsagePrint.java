package dev.sluice.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Map;

/** {@code ./sluice usage}: the body of {@code GET /v1/usage} as a person reads it. */
final class UsagePrint {
    private UsagePrint() {}

    static void print(JsonNode usage, PrintStream out) {
        JsonNode total = usage.path("total");
        out.printf(
                "usage of tenant '%s', %s to %s (UTC days): $%s for %s%n",
                usage.path("tenant").asText(),
                usage.path("from").asText(),
                usage.path("to").asText(),
                total.path("costUsd").asText(),
                calls(total));
        section(out, "by pipeline", usage.path("byPipeline"));
        section(out, "by model", usage.path("byModel"));
        section(out, "by day", usage.path("byDay"));
        JsonNode budget = usage.path("budget");
        out.printf(
                "budget: daily %s; monthly %s; over budget a hop %s%n",
                period(budget.path("daily"), "today"),
                period(budget.path("monthly"), "this month"),
                budget.path("overBudget").asText().equals("wait") ? "waits for the next period" : "fails its job");
    }

    private static void section(PrintStream out, String title, JsonNode totals) {
        if (totals.isEmpty()) {
            return;
        }
        out.println(title + ":");
        for (Map.Entry<String, JsonNode> e : totals.properties()) {
            out.printf(
                    "  %-24s $%-14s %s%n",
                    e.getKey(), e.getValue().path("costUsd").asText(), calls(e.getValue()));
        }
    }

    private static String calls(JsonNode t) {
        return String.format(
                "%,d calls (%,d input, %,d output tokens)",
                t.path("calls").asLong(),
                t.path("inputTokens").asLong(),
                t.path("outputTokens").asLong());
    }

    private static String period(JsonNode p, String span) {
        if (p.isMissingNode() || p.isNull()) {
            return "none";
        }
        return "$" + p.path("limitUsd").asText() + " ($" + p.path("spentUsd").asText() + " spent " + span
                + ", starts again " + p.path("startsAgainAt").asText() + ")";
    }
}
