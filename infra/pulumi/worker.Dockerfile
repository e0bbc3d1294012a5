# The container worker for `sluice:consumers: fargate`: the local runtime's jar run with the command `worker`,
# polling the stack's queues with the same handlers and environment as the Lambda functions.
#
# Build context is bootstrap-local/target (the jar and its lib/ directory), not the repository root:
#   ./mvnw -B -pl bootstrap-local -am package -DskipTests
#   docker buildx build --platform linux/arm64 -f infra/pulumi/worker.Dockerfile -t <image> --push bootstrap-local/target
# Use --platform linux/amd64 when the stack sets sluice:architecture x86_64. DEPLOY.md has the ECR steps.

# A glibc-based JRE (Ubuntu): the embedding model's ONNX runtime ships native libraries for glibc, not musl.
FROM eclipse-temurin:21-jre-noble

RUN groupadd --system sluice && useradd --system --gid sluice --home-dir /app --no-create-home sluice
WORKDIR /app
# Libraries first: they change less often than the jar, so a code change rebuilds one small layer.
COPY lib/ /app/lib/
COPY sluice-local.jar /app/sluice-local.jar
USER sluice

# Exec form: java is PID 1 and receives ECS's SIGTERM, so the worker stops polling and finishes in-flight batches.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/sluice-local.jar"]
CMD ["worker"]
