package dev.switchboard.workflows.runtime;

/** One Kafka record as a stage sees it: where it came from and its raw bytes. */
public record InputRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
}
