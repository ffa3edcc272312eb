package io.curvefs.client.data;

import io.curvefs.proto.common.S3Info;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

/** An in-JVM s3proxy on 127.0.0.1 storing objects under a directory; can be stopped and restarted on the same port. */
final class S3ProxyServer implements AutoCloseable {
    static final String BUCKET = "curvefs";
    private static final String AK = "access";
    private static final String SK = "secret";

    private final Path dir;
    private S3Proxy proxy;
    private int port;

    S3ProxyServer(Path dir) throws Exception {
        this.dir = java.nio.file.Files.createDirectories(dir);
        start(0);
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1).forcePathStyle(true).httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, SK))).build()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
    }

    /** S3 settings of a file system on this server; block and chunk sizes 0 mean the defaults. */
    S3Info info(long blockSize, long chunkSize) {
        return S3Info.newBuilder().setAk(AK).setSk(SK).setEndpoint("127.0.0.1:" + port).setBucket(BUCKET)
                .setBlockSize(blockSize).setChunkSize(chunkSize).build();
    }

    void stop() throws Exception {
        proxy.stop();
        proxy = null;
    }

    /** Restarts on the same port and directory. */
    void restart() throws Exception {
        start(port);
    }

    private void start(int onPort) throws Exception {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        proxy = S3Proxy.builder().blobStore(BlobStores.create("filesystem-nio2", props))
                .endpoint(URI.create("http://127.0.0.1:" + onPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, AK, SK).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start");
            }
            Thread.sleep(5);
        }
        port = proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            stop();
        }
    }
}
