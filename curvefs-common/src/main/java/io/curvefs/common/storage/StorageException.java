package io.curvefs.common.storage;

/** RocksDB refused an operation: the replica cannot go on safely. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }
}
