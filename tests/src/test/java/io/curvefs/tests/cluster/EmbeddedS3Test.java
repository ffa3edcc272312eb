package io.curvefs.tests.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedS3Test {
    @TempDir
    Path dir;

    @Test
    void storesObjectsAsFilesAndCountsThem() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir); S3Client client = clientOf(s3)) {
            assertTrue(s3.endpoint().startsWith("http://127.0.0.1:"), s3.endpoint());
            assertEquals(0, s3.objectCount(s3.bucket()));
            client.putObject(b -> b.bucket(s3.bucket()).key("a/b"), RequestBody.fromString("hello"));
            assertEquals(1, s3.objectCount(s3.bucket()));
            assertTrue(Files.isRegularFile(dir.resolve(s3.bucket()).resolve("a/b")));
        }
    }

    @Test
    void aRestartServesTheSameObjectsOnTheSamePortAfterRefusingWhileStopped() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir); S3Client client = clientOf(s3)) {
            String endpoint = s3.endpoint();
            client.putObject(b -> b.bucket(s3.bucket()).key("kept"), RequestBody.fromString("before the outage"));
            s3.stop();
            assertThrows(SdkClientException.class, () -> client.headObject(b -> b.bucket(s3.bucket()).key("kept")));
            s3.restart();
            assertEquals(endpoint, s3.endpoint());
            assertEquals("before the outage",
                    client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("kept")).asUtf8String());
        }
    }

    private static S3Client clientOf(EmbeddedS3 s3) {
        return S3Client.builder().endpointOverride(URI.create(s3.endpoint()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build();
    }
}
