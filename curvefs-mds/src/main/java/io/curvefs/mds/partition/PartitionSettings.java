package io.curvefs.mds.partition;

/**
 * @param idsPerPartition  inode ids in one partition's range
 * @param minCopysetsPerFs distinct copysets a new fs's partitions are spread over, at least
 * @param maxPartitionsPerCopyset a copyset holding this many partitions gets no more
 */
public record PartitionSettings(long idsPerPartition, int minCopysetsPerFs, int maxPartitionsPerCopyset) {
}
