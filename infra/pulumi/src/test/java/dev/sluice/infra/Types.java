package dev.sluice.infra;

/** Pulumi type tokens of the AWS resources the tests look at. */
final class Types {
    static final String QUEUE = "aws:sqs/queue:Queue";
    static final String QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
    static final String TABLE = "aws:dynamodb/table:Table";
    static final String BUCKET = "aws:s3/bucketV2:BucketV2";
    static final String BUCKET_ENCRYPTION =
            "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
    static final String BUCKET_PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
    static final String BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2";
    static final String BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
    static final String BUCKET_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
    static final String LAYER_VERSION = "aws:lambda/layerVersion:LayerVersion";
    static final String BUS = "aws:cloudwatch/eventBus:EventBus";
    static final String RULE = "aws:cloudwatch/eventRule:EventRule";
    static final String TARGET = "aws:cloudwatch/eventTarget:EventTarget";
    static final String FUNCTION = "aws:lambda/function:Function";
    static final String ALIAS = "aws:lambda/alias:Alias";
    static final String PROVISIONED = "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig";
    static final String ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
    static final String PERMISSION = "aws:lambda/permission:Permission";
    static final String LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
    static final String ROLE = "aws:iam/role:Role";
    static final String ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
    static final String API = "aws:apigatewayv2/api:Api";
    static final String ROUTE = "aws:apigatewayv2/route:Route";
    static final String AUTHORIZER = "aws:apigatewayv2/authorizer:Authorizer";
    static final String INTEGRATION = "aws:apigatewayv2/integration:Integration";
    static final String STAGE = "aws:apigatewayv2/stage:Stage";
    static final String ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
    static final String TOPIC = "aws:sns/topic:Topic";
    static final String SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
    static final String DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
    static final String ECS_SERVICE = "aws:ecs/service:Service";
    static final String ECS_CLUSTER = "aws:ecs/cluster:Cluster";
    static final String TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
    static final String SCALING_TARGET = "aws:appautoscaling/target:Target";
    static final String SCALING_POLICY = "aws:appautoscaling/policy:Policy";

    private Types() {}
}
