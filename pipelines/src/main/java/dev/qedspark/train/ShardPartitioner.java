package dev.qedspark.train;

import org.apache.spark.Partitioner;

/** Sends the row keyed {@link #key}{@code (shard, sequence)} to partition {@code shard}; keys sort by shard, then sequence. */
final class ShardPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int shards;

  ShardPartitioner(int shards) {
    this.shards = shards;
  }

  @Override
  public int numPartitions() {
    return shards;
  }

  static long key(int shard, int sequence) {
    return ((long) shard << 32) | (sequence & 0xffffffffL);
  }

  @Override
  public int getPartition(Object key) {
    return (int) ((Long) key >>> 32);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ShardPartitioner p && p.shards == shards;
  }

  @Override
  public int hashCode() {
    return shards;
  }
}
