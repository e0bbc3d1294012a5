package dev.sluice.infra;

import com.google.gson.GsonBuilder;
import com.pulumi.aws.cloudwatch.Dashboard;
import com.pulumi.aws.cloudwatch.DashboardArgs;
import com.pulumi.aws.cloudwatch.MetricAlarm;
import com.pulumi.aws.cloudwatch.MetricAlarmArgs;
import com.pulumi.aws.cloudwatch.inputs.MetricAlarmMetricQueryArgs;
import com.pulumi.aws.cloudwatch.inputs.MetricAlarmMetricQueryMetricArgs;
import com.pulumi.aws.sns.Topic;
import com.pulumi.aws.sns.TopicArgs;
import com.pulumi.aws.sns.TopicSubscription;
import com.pulumi.aws.sns.TopicSubscriptionArgs;
import com.pulumi.core.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alarms that page through one SNS topic (queue backlog growing, oldest message too old, any dead letter, function
 * errors and throttles, the share of model calls throttled) and one dashboard of the pipeline.
 */
final class Monitoring {
    private Monitoring() {}

    /** Creates the topic, alarms and dashboard; returns the topic's ARN and the dashboard's name. */
    static Topic create(StackSettings s, List<String> consumerServices, Output<String> region) {
        Topic topic = new Topic(
                s.prefix() + "-alarms",
                TopicArgs.builder().name(s.prefix() + "-alarms").build());
        s.alarms()
                .email()
                .ifPresent(email -> new TopicSubscription(
                        s.prefix() + "-alarms-email",
                        TopicSubscriptionArgs.builder()
                                .topic(topic.arn())
                                .protocol("email")
                                .endpoint(email)
                                .build()));
        Output<List<String>> actions = topic.arn().applyValue(List::of);

        for (String queue : Definitions.QUEUES) {
            String queueName = s.prefix() + "-" + queue;
            backlogGrowing(s, queueName, actions);
            alarm(
                    queueName + "-oldest-message",
                    "A message in " + queueName + " has waited over "
                            + s.alarms().oldestMessageSeconds() + " s",
                    "AWS/SQS",
                    "ApproximateAgeOfOldestMessage",
                    Map.of("QueueName", queueName),
                    "Maximum",
                    60,
                    5,
                    s.alarms().oldestMessageSeconds(),
                    actions);
            deadLetters(queueName + Definitions.DLQ_SUFFIX, actions);
        }
        deadLetters(s.prefix() + "-events-dlq", actions);
        for (FunctionRole role : s.roles()) {
            String fn = s.prefix() + "-" + role.key();
            alarm(
                    fn + "-errors",
                    fn + " failed invocations",
                    "AWS/Lambda",
                    "Errors",
                    Map.of("FunctionName", fn),
                    "Sum",
                    300,
                    1,
                    s.alarms().functionErrors(),
                    actions);
            alarm(
                    fn + "-throttles",
                    fn + " was throttled by Lambda",
                    "AWS/Lambda",
                    "Throttles",
                    Map.of("FunctionName", fn),
                    "Sum",
                    300,
                    1,
                    0,
                    actions);
        }
        llmThrottled(s, consumerServices, actions);
        dashboard(s, consumerServices, region);
        return topic;
    }

    private static void alarm(
            String name,
            String description,
            String namespace,
            String metric,
            Map<String, String> dimensions,
            String statistic,
            int period,
            int periods,
            int threshold,
            Output<List<String>> actions) {
        new MetricAlarm(
                name,
                MetricAlarmArgs.builder()
                        .name(name)
                        .alarmDescription(description)
                        .namespace(namespace)
                        .metricName(metric)
                        .dimensions(dimensions)
                        .statistic(statistic)
                        .period(period)
                        .evaluationPeriods(periods)
                        .datapointsToAlarm(periods)
                        .threshold((double) threshold)
                        .comparisonOperator("GreaterThanThreshold")
                        .treatMissingData("notBreaching")
                        .alarmActions(actions)
                        .okActions(actions)
                        .build());
    }

    private static void deadLetters(String dlqName, Output<List<String>> actions) {
        alarm(
                dlqName + "-not-empty",
                "Dead letters in " + dlqName + ": inspect, then redrive",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                Map.of("QueueName", dlqName),
                "Maximum",
                60,
                1,
                0,
                actions);
    }

    /** Above the configured depth and still rising, three 5-minute periods in a row: consumers are falling behind. */
    private static void backlogGrowing(StackSettings s, String queueName, Output<List<String>> actions) {
        String name = queueName + "-backlog-growing";
        new MetricAlarm(
                name,
                MetricAlarmArgs.builder()
                        .name(name)
                        .alarmDescription(
                                queueName + " holds over " + s.alarms().queueDepth() + " messages and keeps growing")
                        .metricQueries(
                                metric(
                                        "depth",
                                        "AWS/SQS",
                                        "ApproximateNumberOfMessagesVisible",
                                        Map.of("QueueName", queueName),
                                        "Maximum",
                                        300),
                                expression(
                                        "growing",
                                        "IF(depth > " + s.alarms().queueDepth() + " AND DIFF(depth) > 0, 1, 0)"))
                        .evaluationPeriods(3)
                        .datapointsToAlarm(3)
                        .threshold(1.0)
                        .comparisonOperator("GreaterThanOrEqualToThreshold")
                        .treatMissingData("notBreaching")
                        .alarmActions(actions)
                        .okActions(actions)
                        .build());
    }

    /** The share of model calls the limiter or the provider throttled, over every consumer (functions or worker). */
    private static void llmThrottled(StackSettings s, List<String> services, Output<List<String>> actions) {
        List<MetricAlarmMetricQueryArgs> queries = new ArrayList<>();
        List<String> throttled = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            Map<String, String> dims = Map.of("Service", services.get(i));
            queries.add(metric("t" + i, "Sluice", "Throttled", dims, "Sum", 300));
            queries.add(metric("c" + i, "Sluice", "LlmLatency", dims, "SampleCount", 300));
            throttled.add("FILL(t" + i + ", 0)");
            calls.add("FILL(c" + i + ", 0)");
        }
        String t = String.join(" + ", throttled);
        String c = String.join(" + ", calls);
        queries.add(expression("rate", "100 * (" + t + ") / ((" + t + ") + (" + c + "))"));
        String name = s.prefix() + "-llm-throttled";
        new MetricAlarm(
                name,
                MetricAlarmArgs.builder()
                        .name(name)
                        .alarmDescription("Over " + s.alarms().llmThrottledPercent()
                                + "% of model calls throttled: limits in sluice:pipeline are above the provider's"
                                + " real quota, or concurrency is too high")
                        .metricQueries(queries)
                        .evaluationPeriods(3)
                        .datapointsToAlarm(3)
                        .threshold((double) s.alarms().llmThrottledPercent())
                        .comparisonOperator("GreaterThanThreshold")
                        .treatMissingData("notBreaching")
                        .alarmActions(actions)
                        .okActions(actions)
                        .build());
    }

    private static MetricAlarmMetricQueryArgs metric(
            String id, String namespace, String name, Map<String, String> dims, String stat, int period) {
        return MetricAlarmMetricQueryArgs.builder()
                .id(id)
                .returnData(false)
                .metric(MetricAlarmMetricQueryMetricArgs.builder()
                        .namespace(namespace)
                        .metricName(name)
                        .dimensions(dims)
                        .stat(stat)
                        .period(period)
                        .build())
                .build();
    }

    private static MetricAlarmMetricQueryArgs expression(String id, String expression) {
        return MetricAlarmMetricQueryArgs.builder()
                .id(id)
                .expression(expression)
                .returnData(true)
                .build();
    }

    private static void dashboard(StackSettings s, List<String> services, Output<String> region) {
        Output<String> body = region.applyValue(r ->
                new GsonBuilder().disableHtmlEscaping().create().toJson(Map.of("widgets", widgets(s, services, r))));
        new Dashboard(
                s.prefix() + "-dashboard",
                DashboardArgs.builder()
                        .dashboardName(s.prefix())
                        .dashboardBody(body)
                        .build());
    }

    private static List<Map<String, Object>> widgets(StackSettings s, List<String> services, String region) {
        List<Map<String, Object>> widgets = new ArrayList<>();
        List<List<Object>> depth = new ArrayList<>();
        List<List<Object>> age = new ArrayList<>();
        List<List<Object>> dlq = new ArrayList<>();
        for (String q : Definitions.QUEUES) {
            String queue = s.prefix() + "-" + q;
            depth.add(List.of("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue));
            depth.add(List.of("AWS/SQS", "ApproximateNumberOfMessagesDelayed", "QueueName", queue));
            age.add(List.of("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue));
            dlq.add(List.of(
                    "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue + Definitions.DLQ_SUFFIX));
        }
        dlq.add(List.of("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", s.prefix() + "-events-dlq"));
        widgets.add(widget("Queue depth (visible, delayed)", depth, "Maximum", region));
        widgets.add(widget("Age of oldest message (s)", age, "Maximum", region));
        widgets.add(widget("Dead letters", dlq, "Maximum", region));

        List<List<Object>> invocations = new ArrayList<>();
        List<List<Object>> errors = new ArrayList<>();
        List<List<Object>> duration = new ArrayList<>();
        List<List<Object>> concurrency = new ArrayList<>();
        for (FunctionRole role : s.roles()) {
            String fn = s.prefix() + "-" + role.key();
            invocations.add(List.of("AWS/Lambda", "Invocations", "FunctionName", fn));
            errors.add(List.of("AWS/Lambda", "Errors", "FunctionName", fn));
            errors.add(List.of("AWS/Lambda", "Throttles", "FunctionName", fn));
            duration.add(List.of("AWS/Lambda", "Duration", "FunctionName", fn, Map.of("stat", "p95")));
            concurrency.add(
                    List.of("AWS/Lambda", "ConcurrentExecutions", "FunctionName", fn, Map.of("stat", "Maximum")));
        }
        widgets.add(widget("Invocations", invocations, "Sum", region));
        widgets.add(widget("Errors and throttles", errors, "Sum", region));
        widgets.add(widget("Duration p95 (ms)", duration, "p95", region));
        widgets.add(widget("Concurrent executions", concurrency, "Maximum", region));

        widgets.add(widget(
                "Model latency p50 / p95 (ms)", perService(services, "LlmLatency", "p50", "p95"), "p95", region));
        widgets.add(widget("Tokens", perService(services, "InputTokens", "OutputTokens"), "Sum", region));
        widgets.add(widget("Cost (millionths of USD)", perService(services, "CostMicroUsd"), "Sum", region));
        widgets.add(widget("Cache hits / misses", perService(services, "CacheHits", "CacheMisses"), "Sum", region));
        widgets.add(widget(
                "Throttled, deferred, fallbacks",
                perService(services, "Throttled", "Deferred", "Fallbacks"),
                "Sum",
                region));
        List<String> finalizers = List.of(s.prefix() + "-" + FunctionRole.FINALIZER.key());
        List<String> jobServices = new ArrayList<>(services);
        finalizers.stream().filter(f -> !jobServices.contains(f)).forEach(jobServices::add);
        widgets.add(widget(
                "Jobs succeeded / failed", perService(jobServices, "JobsSucceeded", "JobsFailed"), "Sum", region));
        widgets.add(widget(
                "Hop and job duration p95 (ms)", perService(jobServices, "HopDuration", "JobDuration"), "p95", region));

        for (int i = 0; i < widgets.size(); i++) {
            widgets.get(i).put("x", (i % 2) * 12);
            widgets.get(i).put("y", (i / 2) * 6);
        }
        return widgets;
    }

    /** Sluice EMF metrics carry one dimension, {@code Service} (the function or worker name). */
    private static List<List<Object>> perService(List<String> services, String... metricsOrStats) {
        List<List<Object>> out = new ArrayList<>();
        boolean percentiles = metricsOrStats.length > 1 && metricsOrStats[1].startsWith("p");
        for (String service : services) {
            if (percentiles) {
                for (int i = 1; i < metricsOrStats.length; i++) {
                    out.add(List.of(
                            "Sluice", metricsOrStats[0], "Service", service, Map.of("stat", metricsOrStats[i])));
                }
            } else {
                for (String metric : metricsOrStats) {
                    out.add(List.of("Sluice", metric, "Service", service));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> widget(String title, List<List<Object>> metrics, String stat, String region) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("title", title);
        properties.put("view", "timeSeries");
        properties.put("stacked", false);
        properties.put("region", region);
        properties.put("stat", stat);
        properties.put("period", 60);
        properties.put("metrics", metrics);
        Map<String, Object> widget = new LinkedHashMap<>();
        widget.put("type", "metric");
        widget.put("width", 12);
        widget.put("height", 6);
        widget.put("properties", properties);
        return widget;
    }
}
