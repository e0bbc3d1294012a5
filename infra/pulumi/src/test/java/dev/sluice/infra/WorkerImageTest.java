package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The committed worker image recipe runs what the Fargate task asks for: the {@code bootstrap-local} jar with its
 * {@code lib/} directory on a Temurin 21 JRE, the task's command {@code worker} appended to the image's entrypoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerImageTest {
    private static final Path DOCKERFILE = Path.of("worker.Dockerfile");

    @Test
    void theImageRunsTheLocalJarWithItsLibrariesOnATemurin21Jre() throws IOException {
        List<String> lines = Files.readAllLines(DOCKERFILE).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertThat(lines.get(0)).matches("FROM eclipse-temurin:21-jre(-[a-z]+)?");
        assertThat(lines.get(0)).doesNotContain("alpine"); // the ONNX runtime's native libraries need glibc
        assertThat(lines).contains("COPY lib/ /app/lib/", "COPY sluice-local.jar /app/sluice-local.jar");
        assertThat(lines).anyMatch(l -> l.startsWith("USER ") && !l.equals("USER root"));
        // Exec form, so that java is PID 1 and gets ECS's SIGTERM; the jar finds lib/ next to itself (manifest).
        String entrypoint = lines.stream()
                .filter(l -> l.startsWith("ENTRYPOINT "))
                .findFirst()
                .orElseThrow();
        List<String> argv = new Gson()
                .fromJson(entrypoint.substring("ENTRYPOINT ".length()), new TypeToken<List<String>>() {}.getType());
        assertThat(argv.get(0)).isEqualTo("java");
        assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("-jar", "/app/sluice-local.jar");
        assertThat(lines).contains("CMD [\"worker\"]");

        // The jar and lib/ the image copies are what bootstrap-local builds.
        String pom = Files.readString(Path.of("..", "..", "bootstrap-local", "pom.xml"));
        assertThat(pom)
                .contains("<finalName>sluice-local</finalName>")
                .contains("<classpathPrefix>lib/</classpathPrefix>")
                .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
    }

    @Test
    void theFargateTaskRunsTheWorkerCommandOfThatImage() {
        StackRun run = StackRun.of("staging", Map.of("sluice:consumers", "fargate"));
        List<Map<String, Object>> containers = new Gson()
                .fromJson(
                        run.one(Types.TASK_DEFINITION, "sluice-staging-worker").string("containerDefinitions"),
                        new TypeToken<List<Map<String, Object>>>() {}.getType());
        assertThat(containers).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("command", List.of("worker"));
            assertThat(c).doesNotContainKey("entryPoint"); // the image's entrypoint runs the jar
        });
    }
}
