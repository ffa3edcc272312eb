package io.curvefs.mds.s3;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.common.StatusCode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.time.Duration;

/**
 * Proves at create-fs that the S3 settings work: creates the bucket if it is missing, then PUTs and
 * DELETEs a small object named after the fs. A failure becomes S3_INFO_ERROR with a one-line reason
 * (which never contains the secret key).
 */
public final class S3Probe {
    private static final byte[] PAYLOAD = new byte[1024];

    private final Duration timeout;

    public S3Probe(Duration timeout) {
        this.timeout = timeout;
    }

    public void probe(S3Info info, String fsName) {
        URI endpoint = endpoint(info.getEndpoint());
        String key = info.getObjectPrefix() + fsName + ".curvefs-probe";
        try (S3Client s3 = client(info, endpoint)) {
            ensureBucket(s3, info.getBucket());
            s3.putObject(b -> b.bucket(info.getBucket()).key(key), RequestBody.fromBytes(PAYLOAD));
            s3.deleteObject(b -> b.bucket(info.getBucket()).key(key));
        } catch (SdkException e) {
            throw new RpcException(StatusCode.S3_INFO_ERROR, "S3 at " + endpoint + " bucket " + info.getBucket()
                    + ": " + oneLine(e));
        }
    }

    private static void ensureBucket(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    private S3Client client(S3Info info, URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(info.getRegion().isBlank() ? "us-east-1" : info.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(info.getAk(), info.getSk())))
                .forcePathStyle(true)
                // S3-compatible stores do not all understand the SDK's default trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
                // a few quick retries: the JDK's keep-alive cache may hand out a connection the server has
                // just closed ("Error writing request body"); the call timeout still bounds an operator's wait
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(3).build())
                        .apiCallTimeout(timeout.multipliedBy(2)))
                .build();
    }

    private static URI endpoint(String raw) {
        String url = raw.contains("://") ? raw : "http://" + raw;
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new RpcException(StatusCode.S3_INFO_ERROR, "S3 endpoint '" + raw + "' is not a URL");
        }
    }

    private static String oneLine(SdkException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}
