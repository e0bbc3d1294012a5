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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The functions' zip (about 200 MB, four times Lambda's 50 MB direct-upload limit) is uploaded once to the stack's
 * bucket and every function loads it from there; a new build is a new object.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FunctionCodeTest {
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyFunctionLoadsTheOneUploadedZipFromTheStackBucket(String stack) throws Exception {
        StackRun run = StackRun.of(stack);
        byte[] sha = sha256(StackRun.ARTIFACT);
        String key = "artifacts/sluice-lambda-" + HexFormat.of().formatHex(sha) + ".zip";
        String bucket = run.prefix() + "-bucket-a1b2c3d";

        assertThat(run.all(Types.BUCKET_OBJECT)).hasSize(1);
        StackRun.Created object = run.all(Types.BUCKET_OBJECT).get(0);
        assertThat(object.string("bucket")).isEqualTo(bucket);
        assertThat(object.string("key")).isEqualTo(key);
        // The file's bytes as they are (an asset, not an archive Pulumi would re-zip), so the hash names them.
        assertThat(object.inputs().get("source")).isInstanceOf(FileAsset.class);
        assertThat(AssetOrArchive.AssetOrArchiveInternal.from(
                                (FileAsset) object.inputs().get("source"))
                        .getValue())
                .isEqualTo(StackRun.ARTIFACT.toString());

        for (String f : List.of("dispatcher", "processor", "finalizer", "ingestor")) {
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
    void aNewBuildIsANewObjectAndNewCodeForEveryFunctionWithNothingElseChanged() {
        StackRun before = StackRun.of("dev");
        Path rebuilt = StackRun.zip("sluice-lambda-rebuilt.zip", "build 2");
        StackRun after = StackRun.of("dev", Map.of("sluice:artifact", rebuilt.toString()));

        String oldKey = before.all(Types.BUCKET_OBJECT).get(0).string("key");
        String newKey = after.all(Types.BUCKET_OBJECT).get(0).string("key");
        assertThat(newKey).startsWith("artifacts/sluice-lambda-").isNotEqualTo(oldKey);
        for (StackRun.Created fn : after.all(Types.FUNCTION)) {
            StackRun.Created old = before.one(Types.FUNCTION, fn.name());
            assertThat(fn.string("s3Key")).isEqualTo(newKey);
            assertThat(fn.string("sourceCodeHash")).isNotEqualTo(old.string("sourceCodeHash"));
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
        Path missing = Files.createTempDirectory("sluice-no-build").resolve("sluice-lambda.zip");
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:artifact", missing.toString())))
                .hasMessageContaining("sluice:artifact: no file at " + missing)
                .hasMessageContaining("./mvnw -B -pl bootstrap-lambda -am package");
    }

    private static byte[] sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
