package io.curvefs.common.s3;

import io.curvefs.proto.common.S3Info;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The object store of one file system: PUT, ranged GET, batch DELETE and LIST over the AWS SDK v2.
 * Every operation takes an absolute deadline (System.nanoTime) covering all its retries and fails with
 * IOException once it has passed, so that no caller waits forever on a dead endpoint. Error messages
 * name the operation and key, never the credentials.
 */
public final class S3ObjectStore implements AutoCloseable {
    /** Reads a GET's body; the stream holds exactly the requested range. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private static final int DELETE_BATCH = 1000;     // the S3 limit per DeleteObjects

    private final S3Client s3;
    private final String bucket;
    private final Duration defaultDeadline;

    // ApacheHttpClient (httpclient 4) is deprecated in SDK 2.56 in favour of apache5-client; the pom ships
    // apache-client, and switching needs a pom change (apache5-client is not on the compile classpath)
    @SuppressWarnings("deprecation")
    public S3ObjectStore(S3Info info, S3Settings config) {
        this.bucket = info.getBucket();
        this.defaultDeadline = config.deadline();
        String endpoint = info.getEndpoint().contains("://") ? info.getEndpoint() : "http://" + info.getEndpoint();
        this.s3 = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(info.getRegion().isBlank() ? "us-east-1" : info.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(info.getAk(), info.getSk())))
                .forcePathStyle(true)
                // S3-compatible stores do not all understand trailing checksums, and CRCs cost CPU we need
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(config.maxConnections())
                        .connectionTimeout(config.connectTimeout())
                        .socketTimeout(config.socketTimeout())
                        .connectionAcquisitionTimeout(config.connectTimeout()))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.maxAttempts())
                                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(2)))
                                // an outage must not disable retries for the whole client afterwards
                                .circuitBreakerEnabled(false)
                                .build())
                        .apiCallTimeout(config.deadline()))
                .build();
    }

    /** A deadline {@link S3Settings#deadline()} from now. */
    public long deadlineFromNow() {
        return System.nanoTime() + defaultDeadline.toNanos();
    }

    public void put(String key, ContentStreamProvider body, long length, long deadline) throws IOException {
        Duration left = remaining("PUT", key, deadline);
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentLength(length).overrideConfiguration(timeout(left)),
                    RequestBody.fromContentProvider(body, length, "application/octet-stream"));
        } catch (SdkException e) {
            throw failure("PUT", key, e);
        }
    }

    /** GETs bytes [offset, offset + length) of an object. A missing object is a FileNotFoundException. */
    public <T> T get(String key, long offset, long length, long deadline, BodyReader<T> reader) throws IOException {
        Duration left = remaining("GET", key, deadline);
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key).range(range).overrideConfiguration(timeout(left)),
                    (response, in) -> reader.read(in));
        } catch (NoSuchKeyException e) {
            throw new FileNotFoundException("S3 object " + key + " does not exist");
        } catch (SdkException e) {
            throw failure("GET", key, e);
        }
    }

    /** Deletes objects in batches; a missing object is not an error. */
    public void delete(Collection<String> keys, long deadline) throws IOException {
        List<ObjectIdentifier> ids = new ArrayList<>(keys.size());
        for (String key : keys) {
            ids.add(ObjectIdentifier.builder().key(key).build());
        }
        for (int i = 0; i < ids.size(); i += DELETE_BATCH) {
            List<ObjectIdentifier> batch = ids.subList(i, Math.min(ids.size(), i + DELETE_BATCH));
            String first = batch.get(0).key();
            Duration left = remaining("DELETE", first, deadline);
            try {
                DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(bucket).overrideConfiguration(timeout(left))
                        .delete(Delete.builder().objects(batch).quiet(true).build()));
                if (!r.errors().isEmpty()) {
                    var err = r.errors().get(0);
                    throw new IOException("S3 DELETE " + err.key() + ": " + err.code() + " " + err.message()
                            + " (" + r.errors().size() + " failed)");
                }
            } catch (SdkException e) {
                throw failure("DELETE", first, e);
            }
        }
    }

    /** Keys starting with {@code prefix}, in S3's (lexicographic) order. */
    public List<String> list(String prefix, long deadline) throws IOException {
        Duration left = remaining("LIST", prefix, deadline);
        try {
            List<String> keys = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)
                    .overrideConfiguration(timeout(left))).contents()) {
                keys.add(o.key());
            }
            return keys;
        } catch (SdkException e) {
            throw failure("LIST", prefix, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private static Duration remaining(String op, String key, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new InterruptedIOException("S3 " + op + " " + key + ": deadline passed before the request");
        }
        return Duration.ofNanos(left);
    }

    private static java.util.function.Consumer<AwsRequestOverrideConfiguration.Builder> timeout(Duration left) {
        return o -> o.apiCallTimeout(left);
    }

    private static IOException failure(String op, String key, SdkException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return new IOException("S3 " + op + " " + key + ": " + (nl < 0 ? m : m.substring(0, nl)).trim(), e);
    }
}
