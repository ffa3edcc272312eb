package io.curvefs.tests.cluster;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * An S3 server in the test JVM (s3proxy with its filesystem backend, objects as plain files under a directory),
 * on 127.0.0.1 and an ephemeral port, with one bucket created. {@link #stop} and {@link #restart} simulate an
 * outage: the restarted server listens on the same port and serves the same objects.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final String ACCESS_KEY = "curvefs-test-ak";
    private static final String SECRET_KEY = "curvefs-test-sk";
    private static final String BUCKET = "curvefs";

    private final Path dir;
    private final S3Client client;
    private final int port;
    private S3Proxy proxy;     // null while stopped

    private EmbeddedS3(Path dir, S3Proxy proxy, S3Client client) {
        this.dir = dir;
        this.proxy = proxy;
        this.client = client;
        this.port = proxy.getPort();
    }

    /** Starts the server with its objects under {@code dir} and creates the bucket {@link #bucket()}. */
    public static EmbeddedS3 start(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        S3Proxy proxy = startProxy(dir, 0);
        try {
            S3Client client = S3Client.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                    .region(Region.US_EAST_1)
                    .forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .build();
            client.createBucket(b -> b.bucket(BUCKET));
            return new EmbeddedS3(dir, proxy, client);
        } catch (RuntimeException e) {
            stopQuietly(proxy);
            throw new IllegalStateException("cannot create the bucket: " + e, e);
        }
    }

    /** Stops serving: connections are closed and new ones refused until {@link #restart}. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy: " + e, e);
        }
        proxy = null;
    }

    /** Serves the same directory on the same port again after {@link #stop}. */
    public synchronized void restart() {
        if (proxy == null) {
            proxy = startProxy(dir, port);
        }
    }

    private static S3Proxy startProxy(Path dir, int port) {
        S3Proxy proxy = null;
        try {
            Properties props = new Properties();
            props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
            proxy = S3Proxy.builder()
                    .blobStore(BlobStores.create("filesystem-nio2", props))
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            proxy.start();
            S3Proxy started = proxy;
            Waits.until("s3proxy to start", Duration.ofSeconds(30), () -> { },
                    () -> "STARTED".equals(started.getState()));
            return proxy;
        } catch (Exception e) {
            stopQuietly(proxy);
            throw new IllegalStateException("cannot start s3proxy on port " + port + ": " + e, e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String bucket() {
        return BUCKET;
    }

    public long objectCount(String bucket) {
        return client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).build())
                .contents().stream().count();
    }

    @Override
    public synchronized void close() {
        client.close();
        stopQuietly(proxy);
        proxy = null;
    }

    private static void stopQuietly(S3Proxy proxy) {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            // the port is freed when the test JVM exits anyway; nothing else depends on a clean stop
        }
    }
}
