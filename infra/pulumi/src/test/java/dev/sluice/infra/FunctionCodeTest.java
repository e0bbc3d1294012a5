package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pulumi.asset.AssetOrArchive;
import com.pulumi.asset.FileAsset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each function loads its own zip from the stack's bucket, and the processor and the ingestor the layers of the
 * opt-in parts the stack chose; a new build of one zip is a new object and new code for that function only.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FunctionCodeTest {
    private static final List<String> FUNCTIONS = List.of("dispatcher", "processor", "finalizer", "ingestor");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyFunctionLoadsItsOwnZipFromTheStackBucket(String stack) throws Exception {
        StackRun run = StackRun.of(stack);
        String bucket = run.prefix() + "-bucket-a1b2c3d";
        for (String f : FUNCTIONS) {
            Path zip = StackRun.ARTIFACTS.resolve("sluice-" + f + ".zip");
            byte[] sha = sha256(zip);
            String key = "artifacts/sluice-" + f + "-" + HexFormat.of().formatHex(sha) + ".zip";
            StackRun.Created object = run.one(Types.BUCKET_OBJECT, run.prefix() + "-" + f + "-artifact");
            assertThat(object.string("bucket")).isEqualTo(bucket);
            assertThat(object.string("key")).isEqualTo(key);
            // The file's bytes as they are (an asset, not an archive Pulumi would re-zip), so the hash names them.
            assertThat(AssetOrArchive.AssetOrArchiveInternal.from(
                                    (FileAsset) object.inputs().get("source"))
                            .getValue())
                    .isEqualTo(zip.toString());
            StackRun.Created fn = run.one(Types.FUNCTION, run.prefix() + "-" + f);
            assertThat(fn.inputs())
                    .as(f)
                    .doesNotContainKey("code")
                    .containsEntry("s3Bucket", bucket)
                    .containsEntry("s3Key", key)
                    .containsEntry("sourceCodeHash", Base64.getEncoder().encodeToString(sha));
        }
    }

    @Test
    void onlyTheProcessorAndTheIngestorLoadTheLayersOfTheChosenParts() {
        // dev: the MiniLM embedder on arm64 with the embedded Lucene store.
        StackRun dev = StackRun.of("dev");
        assertThat(layersOf(dev))
                .containsEntry("dispatcher", List.of())
                .containsEntry("finalizer", List.of())
                .containsEntry("processor", List.of("sluice-dev-minilm-arm64"))
                .containsEntry("ingestor", List.of("sluice-dev-minilm-arm64"));
        StackRun.Created minilm = dev.one(Types.LAYER_VERSION, "sluice-dev-minilm-arm64-layer");
        assertThat(minilm.inputs().get("compatibleArchitectures")).isEqualTo(List.of("arm64"));
        assertThat(minilm.string("s3Key")).startsWith("artifacts/sluice-layer-minilm-arm64-");

        // A remote embedder, Pinecone, x86_64: no MiniLM, the Pinecone client.
        StackRun remote = StackRun.of(
                "dev",
                Map.of(
                        "sluice:embedder",
                        "bedrock",
                        "sluice:vectorStore",
                        "pinecone",
                        "sluice:architecture",
                        "x86_64",
                        "sluice:pinecone",
                        "{\"host\":\"idx-abc.svc.aped-1234.pinecone.io\",\"apiKeySecret\":\"sluice/pinecone\"}"));
        assertThat(layersOf(remote))
                .containsEntry("processor", List.of("sluice-dev-pinecone"))
                .containsEntry("ingestor", List.of("sluice-dev-pinecone"))
                .containsEntry("dispatcher", List.of());
        assertThat(remote.all(Types.LAYER_VERSION)).hasSize(1);

        StackRun minilmX86 = StackRun.of("dev", Map.of("sluice:architecture", "x86_64"));
        assertThat(layersOf(minilmX86)).containsEntry("processor", List.of("sluice-dev-minilm-x86_64"));
    }

    @Test
    void aNewBuildOfOneZipIsNewCodeForThatFunctionOnly() throws IOException {
        StackRun before = StackRun.of("dev");
        Path rebuilt = StackRun.artifacts("build-2", "build 1");
        Files.copy(
                StackRun.zip("build-2/sluice-processor.zip", "build 2 of processor"),
                rebuilt.resolve("sluice-processor.zip"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        StackRun after = StackRun.of("dev", Map.of("sluice:artifacts", rebuilt.toString()));

        for (String f : FUNCTIONS) {
            StackRun.Created old = before.one(Types.FUNCTION, "sluice-dev-" + f);
            StackRun.Created now = after.one(Types.FUNCTION, "sluice-dev-" + f);
            if (f.equals("processor")) {
                assertThat(now.string("s3Key"))
                        .startsWith("artifacts/sluice-processor-")
                        .isNotEqualTo(old.string("s3Key"));
                assertThat(now.string("sourceCodeHash")).isNotEqualTo(old.string("sourceCodeHash"));
            } else {
                assertThat(now.string("s3Key")).as(f).isEqualTo(old.string("s3Key"));
            }
        }
        assertThat(after.created.stream().map(c -> c.type() + " " + c.name()).toList())
                .containsExactlyInAnyOrderElementsOf(before.created.stream()
                        .map(c -> c.type() + " " + c.name())
                        .toList());
    }

    @Test
    void noFunctionOrWorkerRoleReachesTheArtifacts() {
        for (StackRun run : IamPolicyTest.runs()) {
            for (IamPolicyTest.Document d : IamPolicyTest.documents(run)) {
                assertThat(d.json()).as(d.where()).doesNotContain("artifacts/");
            }
        }
    }

    @Test
    void aMissingZipStopsTheDeploymentWithTheBuildCommand() throws IOException {
        Path empty = Files.createTempDirectory("sluice-no-build");
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:artifacts", empty.toString())))
                .hasMessageContaining("sluice:artifacts: no file at " + empty.resolve("sluice-dispatcher.zip"))
                .hasMessageContaining("./mvnw -B -pl bootstrap-lambda -am package");
    }

    @Test
    void theOldSingleZipSettingIsRefusedWithItsReplacement() {
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:artifact", "x.zip")))
                .hasMessageContaining("sluice:artifact: each function now has its own zip")
                .hasMessageContaining("sluice:artifacts");
    }

    private static Map<String, List<String>> layersOf(StackRun run) {
        return FUNCTIONS.stream()
                .collect(Collectors.toMap(f -> f, f -> layerNames(run.one(Types.FUNCTION, run.prefix() + "-" + f))));
    }

    @SuppressWarnings("unchecked")
    private static List<String> layerNames(StackRun.Created fn) {
        Object layers = fn.inputs().get("layers");
        if (layers == null) {
            return List.of();
        }
        return ((List<String>) layers)
                .stream()
                        .map(arn -> arn.substring(arn.indexOf(":layer:") + 7, arn.lastIndexOf(':')))
                        .toList();
    }

    private static byte[] sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
