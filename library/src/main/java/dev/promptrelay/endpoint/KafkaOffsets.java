package dev.promptrelay.endpoint;

import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/** Kept apart so that camel-kafka is needed only by an application with a Kafka intake. */
final class KafkaOffsets {

    private KafkaOffsets() {
    }

    /** Commits the record's offset, and waits until Kafka has it. */
    static void commit(Object manualCommit) {
        ((KafkaManualCommit) manualCommit).commit();
    }
}
