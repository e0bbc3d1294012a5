package dev.sluice.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A function's zip or a layer's, and its SHA-256, which names the S3 object it is uploaded to: a new build is a new
 * key, so {@code pulumi up} uploads what changed and points the functions at it.
 *
 * @param name what the zip holds ({@code dispatcher}, {@code layer-minilm-arm64}, ...), in its object key
 * @param path the zip on the deployer's disk
 * @param sha256Hex the content hash, hex-encoded (in the object key)
 * @param sha256Base64 the same hash as Lambda reports it ({@code CodeSha256}), for {@code sourceCodeHash}
 */
record Artifact(String name, Path path, String sha256Hex, String sha256Base64) {
    /** Code goes through the stack's bucket: one upload per build, and no 50 MB ceiling of a direct upload. */
    static final String PREFIX = "artifacts/";

    /** {@code sluice-<name>.zip} in the {@code sluice:artifacts} directory. */
    static Artifact of(String directory, String name) {
        Path path = Path.of(directory).resolve("sluice-" + name + ".zip");
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("sluice:artifacts: no file at " + path.toAbsolutePath()
                    + "; build the functions' zips and layers first with ./mvnw -B -pl bootstrap-lambda -am package"
                    + " -DskipTests");
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
            byte[] digest = sha256.digest();
            return new Artifact(
                    name,
                    path,
                    HexFormat.of().formatHex(digest),
                    Base64.getEncoder().encodeToString(digest));
        } catch (IOException e) {
            throw new IllegalStateException("sluice:artifacts: cannot read " + path.toAbsolutePath(), e);
        }
    }

    /** The object key: under {@code artifacts/}, which no function role may read or write. */
    String key() {
        return PREFIX + "sluice-" + name + "-" + sha256Hex + ".zip";
    }
}
