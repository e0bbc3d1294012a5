package dev.sluice.emulators.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3 stand-in (s3proxy) running inside this JVM on 127.0.0.1 and a free port, keeping objects in memory or in
 * a directory.
 *
 * <p>s3proxy's Jetty threads are not daemons: a server that is not closed keeps the JVM alive, so
 * {@link #shared()} registers a shutdown hook and the JUnit extension closes it when the test run ends.
 */
public final class S3ProxyServer implements AutoCloseable {
    /** The credentials clients must sign with (SigV2 or SigV4). */
    public static final String ACCESS_KEY = "sluice-local";

    public static final String SECRET_KEY = "sluice-local-secret";

    private static S3ProxyServer shared;

    private final S3Proxy proxy;
    private final URI endpoint;
    private boolean closed;

    private S3ProxyServer(S3Proxy proxy) {
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts a server that keeps objects in memory; the caller must {@link #close()} it. */
    public static S3ProxyServer startTransient() {
        return start(new TransientNio2BlobStore());
    }

    /** Starts a server that keeps objects under {@code directory} (created if absent), so they survive restarts. */
    public static S3ProxyServer startFilesystem(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create s3proxy directory " + directory, e);
        }
        return start(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()));
    }

    /** The one in-memory server of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized S3ProxyServer shared() {
        if (shared == null || shared.isClosed()) {
            S3ProxyServer started = startTransient();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "s3proxy-stop"));
            shared = started;
        }
        return shared;
    }

    private static S3ProxyServer start(BlobStore store) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            stopQuietlyAfter(proxy, e);
            throw new IllegalStateException("s3proxy did not start", e);
        }
        return new S3ProxyServer(proxy);
    }

    private static void stopQuietlyAfter(S3Proxy proxy, Exception failure) {
        try {
            proxy.stop();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** The endpoint to give an S3 client as its endpoint override (with path-style access). */
    public URI endpoint() {
        return endpoint;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Stops the server and its non-daemon threads; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        }
    }

    @Override
    public String toString() {
        return "S3ProxyServer[" + endpoint + "]";
    }
}
