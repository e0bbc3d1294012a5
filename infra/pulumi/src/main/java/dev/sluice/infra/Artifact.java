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
 * The functions' zip and its SHA-256, which names the S3 object it is uploaded to: a new build is a new key, so
 * {@code pulumi up} uploads it once and points every function at it.
 *
 * @param path the zip on the deployer's disk
 * @param sha256Hex the content hash, hex-encoded (in the object key)
 * @param sha256Base64 the same hash as Lambda reports it ({@code CodeSha256}), for {@code sourceCodeHash}
 */
record Artifact(Path path, String sha256Hex, String sha256Base64) {
    /** Lambda takes at most 50 MB zipped as a direct upload; sluice's zip is far larger, so code goes through S3. */
    static final String PREFIX = "artifacts/";

    static Artifact of(String location) {
        Path path = Path.of(location);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("sluice:artifact: no file at " + path.toAbsolutePath()
                    + "; build it first with ./mvnw -B -pl bootstrap-lambda -am package -DskipTests");
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
                    path, HexFormat.of().formatHex(digest), Base64.getEncoder().encodeToString(digest));
        } catch (IOException e) {
            throw new IllegalStateException("sluice:artifact: cannot read " + path.toAbsolutePath(), e);
        }
    }

    /** The object key: under {@code artifacts/}, which no function role may read or write. */
    String key() {
        return PREFIX + "sluice-lambda-" + sha256Hex + ".zip";
    }
}
