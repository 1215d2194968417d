package dev.switchboard.workflows.runtime;

/** camel-kafka endpoint URIs for Switchboard's stages: batching, manual commit after outputs are acknowledged, raw bytes. */
final class KafkaEndpoints {

    private KafkaEndpoints() {
    }

    static String batchConsumer(String topic, String groupId, String autoOffsetReset, int maxPollRecords) {
        return "kafka:" + topic
                + "?groupId=" + groupId
                + "&autoOffsetReset=" + autoOffsetReset
                + "&batching=true"
                + "&maxPollRecords=" + maxPollRecords
                + "&pollTimeoutMs=500"
                + "&allowManualCommit=true"
                + "&autoCommitEnable=false"
                + "&breakOnFirstError=false"
                + "&keyDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                // Kafka headers stay data: none becomes a Camel header that could steer a component.
                + "&headerFilterStrategy=#switchboardHeaderFilter";
    }
}
